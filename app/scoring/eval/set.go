package eval

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"sort"
	"strings"
)

// Item is one labelled answer: a question, its rubric, a candidate's
// answer and the score a person gave it.
type Item struct {
	ID         string
	Question   string
	Rubric     []Criterion
	Answer     string
	HumanScore int    // 1..5
	Language   string // the interview's language ("de", "es"); "" means English
	Kind       string // what the author meant the answer to be (strong, padded, injection, ...); documentation only
	Line       int    // line number in the set, for messages
}

// Criterion is one rubric entry of a labelled answer.
type Criterion struct {
	Criterion string  `json:"criterion"`
	Weight    float64 `json:"weight"`
	Strong    string  `json:"strong"`
}

// line is the wire form of one JSONL line. Pointers tell a missing field
// from a zero one, so the error can name it.
type line struct {
	ID         *string         `json:"id"`
	Question   *string         `json:"question"`
	Rubric     []criterionLine `json:"rubric"`
	Answer     *string         `json:"answer"`
	HumanScore *float64        `json:"human_score"`
	Language   string          `json:"language"`
	Kind       string          `json:"kind"`
}

type criterionLine struct {
	Criterion *string  `json:"criterion"`
	Weight    *float64 `json:"weight"`
	Strong    string   `json:"strong"`
}

// LineError is a bad line of a set: its number (1-based), the field at
// fault ("" when the line is not JSON at all) and what is wrong.
type LineError struct {
	Line  int
	Field string
	Msg   string
}

func (e *LineError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Msg)
}

// maxLine bounds one JSONL line; an answer is text, not a document.
const maxLine = 1 << 20

// Read parses a labelled set: one JSON object per line, blank lines
// allowed. Unknown fields are refused, so a misspelt "human_scroe" is
// reported rather than read as a missing score. The first bad line ends
// the read with a *LineError.
func Read(r io.Reader) ([]Item, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var items []Item
	seen := map[string]int{}
	n := 0
	for sc.Scan() {
		n++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		it, err := parseLine(b, n)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[it.ID]; dup {
			return nil, &LineError{Line: n, Field: "id", Msg: fmt.Sprintf("%q is already used on line %d", it.ID, first)}
		}
		seen[it.ID] = n
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &LineError{Line: n + 1, Msg: fmt.Sprintf("longer than %d bytes", maxLine)}
		}
		return nil, err
	}
	if len(items) == 0 {
		return nil, errors.New("the set has no answers")
	}
	return items, nil
}

func parseLine(b []byte, n int) (Item, error) {
	bad := func(field, f string, a ...any) error {
		return &LineError{Line: n, Field: field, Msg: fmt.Sprintf(f, a...)}
	}
	var l line
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return Item{}, bad(te.Field, "must be a %s, not a JSON %s", goType(te.Type.Kind().String()), te.Value)
		}
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return Item{}, bad(strings.Trim(f, `"`), "unknown field (known: id, question, rubric, answer, human_score, language, kind)")
		}
		return Item{}, bad("", "invalid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return Item{}, bad("", "invalid JSON: more than one value on the line")
	}
	it := Item{Line: n, Language: strings.TrimSpace(l.Language), Kind: strings.TrimSpace(l.Kind)}
	for _, f := range []struct {
		name string
		v    *string
		dst  *string
	}{{"id", l.ID, &it.ID}, {"question", l.Question, &it.Question}, {"answer", l.Answer, &it.Answer}} {
		if f.v == nil || strings.TrimSpace(*f.v) == "" {
			return Item{}, bad(f.name, "is missing or empty")
		}
		*f.dst = strings.TrimSpace(*f.v)
	}
	switch h := l.HumanScore; {
	case h == nil:
		return Item{}, bad("human_score", "is missing")
	case *h != math.Trunc(*h) || *h < 1 || *h > 5:
		return Item{}, bad("human_score", "must be a whole number from 1 to 5, not %v", *h)
	default:
		it.HumanScore = int(*h)
	}
	for i, c := range l.Rubric {
		field := fmt.Sprintf("rubric[%d]", i)
		if c.Criterion == nil || strings.TrimSpace(*c.Criterion) == "" {
			return Item{}, bad(field+".criterion", "is missing or empty")
		}
		w := 1.0 // the format's default
		if c.Weight != nil {
			if w = *c.Weight; w <= 0 {
				return Item{}, bad(field+".weight", "must be positive, not %v", w)
			}
		}
		it.Rubric = append(it.Rubric, Criterion{Criterion: strings.TrimSpace(*c.Criterion), Weight: w, Strong: strings.TrimSpace(c.Strong)})
	}
	return it, nil
}

// goType names a Go kind the way a set's author thinks of it.
func goType(kind string) string {
	switch {
	case kind == "string":
		return "string"
	case strings.HasPrefix(kind, "float"), strings.HasPrefix(kind, "int"):
		return "number"
	case kind == "slice":
		return "list"
	case kind == "struct":
		return "JSON object"
	}
	return kind
}

// BuiltinPrefix names an embedded set in Load ("builtin:hireloop-v1").
const BuiltinPrefix = "builtin:"

//go:embed sets/*.jsonl
var sets embed.FS

// Builtin lists the embedded sets by name.
func Builtin() []string {
	ents, _ := sets.ReadDir("sets")
	var names []string
	for _, e := range ents {
		if name, ok := strings.CutSuffix(e.Name(), ".jsonl"); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// Load reads the set named by spec: a file path, or "builtin:NAME" for a
// set shipped in the binary. Errors name the set.
func Load(spec string) ([]Item, error) {
	var r io.ReadCloser
	var err error
	if name, ok := strings.CutPrefix(spec, BuiltinPrefix); ok {
		if strings.ContainsAny(name, "/\\") {
			err = fs.ErrNotExist
		} else {
			r, err = sets.Open(path.Join("sets", name+".jsonl"))
		}
		if err != nil {
			return nil, fmt.Errorf("set %s: no such built-in set (built in: %s)", spec, strings.Join(Builtin(), ", "))
		}
	} else if r, err = os.Open(spec); err != nil {
		return nil, fmt.Errorf("set %s: %w", spec, unwrapPath(err))
	}
	defer r.Close()
	items, err := Read(r)
	if err != nil {
		return nil, fmt.Errorf("set %s: %w", spec, err)
	}
	return items, nil
}

// unwrapPath drops the *PathError wrapper, whose message repeats the path.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
