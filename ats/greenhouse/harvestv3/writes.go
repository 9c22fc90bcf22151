package harvestv3

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Body is a write's decoded JSON body.
type Body map[string]json.RawMessage

// DecodeBody decodes a write's body, answering 400 when it is not a JSON
// object.
func DecodeBody(w http.ResponseWriter, raw []byte) (Body, bool) {
	b := Body{}
	if strings.TrimSpace(string(raw)) == "" {
		return b, true
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		WriteError(w, http.StatusBadRequest, "Malformed JSON")
		return nil, false
	}
	return b, true
}

// Int reads an integer field: absent (or null) gives ok=false; a present
// field that is not a whole number is refused.
func (b Body) Int(key string) (int64, bool, *Invalid) {
	raw, ok := b[key]
	if !ok || string(raw) == "null" {
		return 0, false, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, true, Refuse(key, key+" must be an integer")
	}
	v, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		return 0, true, Refuse(key, key+" must be an integer")
	}
	return v, true, nil
}

// NeedInt reads a required integer field.
func (b Body) NeedInt(key string) (int64, *Invalid) {
	v, ok, bad := b.Int(key)
	if bad != nil {
		return 0, bad
	}
	if !ok {
		return 0, Refuse(key, key+" is required")
	}
	return v, nil
}

// Str reads a string field ("" when absent or not a string).
func (b Body) Str(key string) string {
	var s string
	_ = json.Unmarshal(b[key], &s)
	return s
}

// Visibilities are the note visibilities (v1 notes reference; the v3
// error lists the same).
func Visibilities() []string { return []string{"admin_only", "private", "public"} }

// NoteIn is a valid POST /v3/notes body.
type NoteIn struct {
	CandidateID   int64
	ApplicationID int64 // 0: the candidate's note
	Body          string
	Visibility    string
}

// ParseNote validates POST /v3/notes: candidate_id, body, note_type and
// visibility are required; note_type is accepted as "NOTE" only (the
// value live v3 calls were accepted with; lower case is refused although
// the error lists email, activity and note).
func ParseNote(b Body) (NoteIn, *Invalid) {
	var in NoteIn
	var bad *Invalid
	if in.CandidateID, bad = b.NeedInt("candidate_id"); bad != nil {
		return in, bad
	}
	if app, ok, bad := b.Int("application_id"); bad != nil {
		return in, bad
	} else if ok {
		in.ApplicationID = app
	}
	in.Body, in.Visibility = b.Str("body"), b.Str("visibility")
	switch {
	case strings.TrimSpace(in.Body) == "":
		return in, Refuse("body", "body is required")
	case b.Str("note_type") == "":
		return in, Refuse("note_type", `note_type is required; must be one of ["email", "activity", "note"]`)
	case b.Str("note_type") != "NOTE":
		return in, Refuse("note_type", `note_type must be one of ["email", "activity", "note"]`)
	case in.Visibility == "":
		return in, Refuse("visibility", "visibility is required; must be one of admin_only, private, public")
	case !slices.Contains(Visibilities(), in.Visibility):
		return in, Refuse("visibility", "visibility must be one of admin_only, private, public")
	}
	return in, nil
}

// AttachmentTypes are the attachment types Greenhouse accepts (attachment
// reference: resume, cover_letter, other, take_home_test, offer_letter,
// signed_offer_letter).
func AttachmentTypes() []string {
	return []string{"resume", "cover_letter", "other", "take_home_test", "offer_letter", "signed_offer_letter"}
}

// AttachmentIn is a valid POST /v3/attachments body.
type AttachmentIn struct {
	ApplicationID int64
	Filename      string
	Type          string
	ContentType   string
	Data          []byte // nil when URL is set
	URL           string
}

// ParseAttachment validates POST /v3/attachments: application_id,
// filename and type, then content (base64) with content_type, or a url
// Greenhouse fetches.
func ParseAttachment(b Body) (AttachmentIn, *Invalid) {
	var in AttachmentIn
	var bad *Invalid
	if in.ApplicationID, bad = b.NeedInt("application_id"); bad != nil {
		return in, bad
	}
	in.Filename, in.Type, in.ContentType, in.URL = b.Str("filename"), b.Str("type"), b.Str("content_type"), b.Str("url")
	content := b.Str("content")
	switch {
	case strings.TrimSpace(in.Filename) == "":
		return in, Refuse("filename", "filename is required")
	case !slices.Contains(AttachmentTypes(), in.Type):
		return in, Refuse("type", "Must be one of: "+strings.Join(AttachmentTypes(), ", "))
	case content == "" && in.URL == "":
		return in, Refuse("content", "content (with content_type) or url is required")
	case content != "" && in.ContentType == "":
		return in, Refuse("content_type", "content_type is required with content")
	}
	if content != "" {
		data, err := base64.StdEncoding.DecodeString(content)
		if err != nil {
			return in, Refuse("content", "content must be base64-encoded")
		}
		in.Data, in.URL = data, ""
	} else if !strings.HasPrefix(in.URL, "http://") && !strings.HasPrefix(in.URL, "https://") {
		return in, Refuse("url", "url must be an http(s) URL")
	}
	return in, nil
}

// ParseMove validates POST /v3/applications/{id}/move: from_stage_id and
// to_stage_id are both required (swagger.md: "required": ["id",
// "from_stage_id", "to_stage_id"]).
func ParseMove(b Body) (from, to int64, bad *Invalid) {
	if from, bad = b.NeedInt("from_stage_id"); bad != nil {
		return 0, 0, bad
	}
	if to, bad = b.NeedInt("to_stage_id"); bad != nil {
		return 0, 0, bad
	}
	return from, to, nil
}

// CheckMove refuses a move the way Greenhouse does: only active
// applications move; from_stage_id must be the application's current
// stage (a stale one is refused, not applied); the target must be a
// stage of the application's job other than the current one.
func CheckMove(active bool, current, from int64, targetInJob bool, to int64) *Invalid {
	switch {
	case !active:
		return Refuse("application_id", "Only active applications can be moved")
	case from != current:
		return Refuse("from_stage_id", "from_stage_id "+strconv.FormatInt(from, 10)+
			" is not the application's current stage ("+strconv.FormatInt(current, 10)+")")
	case !targetInJob:
		return Refuse("to_stage_id", "to_stage_id is not a stage of this job")
	case to == current:
		return Refuse("to_stage_id", "The application is already in this stage")
	}
	return nil
}

// ParseReject validates POST /v3/applications/{id}/reject:
// rejection_reason_id is required (reference post_v3-applications-id-
// reject); notes are optional.
func ParseReject(b Body) (reasonID int64, notes string, bad *Invalid) {
	if reasonID, bad = b.NeedInt("rejection_reason_id"); bad != nil {
		return 0, "", bad
	}
	return reasonID, b.Str("notes"), nil
}

// ParseTagName validates POST /v3/candidate_tags {name}.
func ParseTagName(b Body) (string, *Invalid) {
	name := strings.TrimSpace(b.Str("name"))
	switch {
	case name == "":
		return "", Refuse("name", "Name is required")
	case utf8.RuneCountInString(name) > 255:
		return "", Refuse("name", "Name is too long (maximum 255 characters)")
	}
	return name, nil
}

// TagTaken is the refusal of a tag name that exists (case-insensitive).
func TagTaken() *Invalid { return Refuse("name", "Name has already been taken") }

// ParseAppliedTag validates POST /v3/applied_candidate_tags: candidate_id
// and candidate_tag_id are required; tag and tag_id are not accepted.
func ParseAppliedTag(b Body) (candidateID, tagID int64, bad *Invalid) {
	for _, k := range []string{"tag", "tag_id"} {
		if _, ok := b[k]; ok {
			return 0, 0, Refuse(k, k+" is not a permitted property; use candidate_tag_id")
		}
	}
	if candidateID, bad = b.NeedInt("candidate_id"); bad != nil {
		return 0, 0, bad
	}
	if tagID, bad = b.NeedInt("candidate_tag_id"); bad != nil {
		return 0, 0, bad
	}
	return candidateID, tagID, nil
}
