package scoring

import "encoding/json"

// An interview question stores its rubric and knockout rule as JSON (the
// editor sends them so, and the store keeps them so). These read them
// into the typed values that the editor's validation and the scorer share.

// ParseRubric reads a stored rubric: a list of {name, weight, strong}.
// Empty or null is no rubric.
func ParseRubric(raw json.RawMessage) ([]Criterion, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var crit []Criterion
	err := json.Unmarshal(raw, &crit)
	return crit, err
}

// ParseKnockout reads a stored knockout rule. Empty is no rule (nil).
func ParseKnockout(raw json.RawMessage) (*Knockout, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var k Knockout
	if err := json.Unmarshal(raw, &k); err != nil {
		return nil, err
	}
	return &k, nil
}

// Empty tells a rule that names nothing to match.
func (k *Knockout) Empty() bool { return len(k.Values) == 0 && k.Min == nil && k.Max == nil }
