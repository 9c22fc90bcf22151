package kombo

import (
	"context"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

var declared = ats.Capabilities{
	Provider: Name,
	Writes: map[ats.WriteAction]ats.ActionSupport{
		ats.ActionResultLink: {Supported: true, Target: ats.TargetApplication,
			Reason: "Kombo writes the link where the ATS has a place for it (link field, custom field or note)."},
		ats.ActionNote:       {Supported: true, Target: ats.TargetApplication},
		ats.ActionAttachment: {Supported: true, Target: ats.TargetApplication, Transport: ats.TransportBase64, Reason: "Falls back to the candidate where the ATS has no application files."},
		ats.ActionMoveStage:  {Supported: true, Target: ats.TargetApplication},
		ats.ActionReject:     {Supported: true, Target: ats.TargetApplication},
		ats.ActionAddTag:     {Supported: true, Target: ats.TargetCandidate, Reason: "Tags are added by name (find-or-create)."},
	},
	Webhooks: ats.WebhookSupport{Supported: true, SignatureScheme: "hmac-sha256-base64url", SignatureHeader: "X-Kombo-Signature", Setup: "ui"},
	Incremental: map[ats.Model]bool{
		ats.ModelJobs: true, ats.ModelCandidates: true, ats.ModelApplications: true,
		ats.ModelTags: true, ats.ModelRejectionReasons: true, ats.ModelUsers: true,
	},
	Deletions: map[ats.Model]bool{
		ats.ModelJobs: true, ats.ModelCandidates: true, ats.ModelApplications: true,
		ats.ModelTags: true, ats.ModelRejectionReasons: true, ats.ModelUsers: true,
	},
	StageScope:       ats.StagesPerJob,
	ForceSync:        true,
	DefaultRateLimit: DefaultRateLimit,
}

// writeActionIDs maps Kombo write_actions[].id to our actions.
var writeActionIDs = map[string]ats.WriteAction{
	"ats_add_result_link_to_application": ats.ActionResultLink,
	"ats_add_note_to_application":        ats.ActionNote,
	"ats_add_application_attachment":     ats.ActionAttachment,
	"ats_move_application_to_stage":      ats.ActionMoveStage, // inferred id
	"ats_reject_application":             ats.ActionReject,    // inferred id
	"ats_add_candidate_tag":              ats.ActionAddTag,
}

// Capabilities refines the declared capabilities with the integration's
// write_actions (GET /integrations/{id}), cached for a few minutes: what
// Kombo can write depends on the underlying ATS, on the scope config and on
// what the customer opted out of.
func (c *Client) Capabilities(ctx context.Context) (ats.Capabilities, error) {
	return c.caps.Get(func() (ats.Capabilities, error) {
		in, err := c.integration(ctx)
		if err != nil {
			return ats.Capabilities{}, err
		}
		return refine(declared, in), nil
	})
}

func refine(d ats.Capabilities, in integration) ats.Capabilities {
	cp := d.Clone()
	tool := in.Tool.Label
	if tool == "" {
		tool = "the connected ATS"
	}
	for _, wa := range in.WriteActions {
		a, ok := writeActionIDs[wa.ID]
		if !ok {
			continue
		}
		s := cp.Writes[a]
		if wa.IsAvailable {
			s.Supported = true
			if a == ats.ActionResultLink && wa.CoverageStatus == "SUPPORTED" {
				s.Reason = ""
			}
		} else {
			s.Supported = false
			s.Reason = unavailableReason(wa, tool)
		}
		cp.Writes[a] = s
	}
	return cp
}

func unavailableReason(wa coverage, tool string) string {
	label := wa.Label
	if label == "" {
		label = strings.ReplaceAll(wa.ID, "_", " ")
	}
	switch {
	case wa.OptedOutByCustomer:
		return label + ": the customer opted out of this in the Kombo connection flow."
	case wa.ScopeConfigSetting == "DISABLED":
		return label + ": disabled in the Kombo scope config; enable it in the Kombo dashboard."
	case wa.CoverageStatus == "UNSUPPORTED":
		return label + ": " + tool + " does not support this."
	case wa.CoverageStatus == "NOT_IMPLEMENTED":
		return label + ": Kombo has not implemented this for " + tool + " yet."
	}
	return label + ": not available for this integration (Kombo coverage " + strings.ToLower(wa.CoverageStatus) + ")."
}
