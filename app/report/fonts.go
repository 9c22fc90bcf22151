package report

import (
	"bytes"
	_ "embed"

	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/repository"
)

// fontFamily is the name the embedded DejaVu Sans faces are registered under.
// maroto's built-in core fonts are cp1252 only (Łódź would print as ".ód."),
// so every piece of text in the report uses this UTF-8 TrueType family.
const fontFamily = "dejavu"

// The DejaVu Sans faces are copied from Debian's fonts-dejavu-core; see
// fonts/LICENSE. They are embedded so the binary does not need system fonts.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
	//go:embed fonts/DejaVuSans-Oblique.ttf
	fontOblique []byte
)

// customFonts returns fresh font registrations for one document. Every style
// the report uses must be registered: an unregistered style makes maroto's
// Generate fail ("undefined font: dejavu B").
//
// Each call gets its own copy of the font bytes. gofpdf parses the TTF in
// place and, when it subsets the font, appends padding to sub-slices of that
// buffer (utf8FontFile.generateChecksum), writing into the bytes it was
// given. Sharing one buffer between concurrent renders is therefore a data
// race; copying 2 MB costs well under a millisecond.
func customFonts() ([]*entity.CustomFont, error) {
	return repository.New().
		AddUTF8FontFromBytes(fontFamily, fontstyle.Normal, bytes.Clone(fontRegular)).
		AddUTF8FontFromBytes(fontFamily, fontstyle.Bold, bytes.Clone(fontBold)).
		AddUTF8FontFromBytes(fontFamily, fontstyle.Italic, bytes.Clone(fontOblique)).
		Load()
}
