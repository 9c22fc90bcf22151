package mail

// What an email template may do, and how much rendering it may cost.
//
// Templates are written by workspace admins and rendered for every email
// the workspace sends, in the one process that serves every tenant. Go's
// template languages can loop ({{range 10000000}}), recurse ({{define}}
// with {{template}}) and print without bound, and a running Execute cannot
// be stopped. So each template is checked before it runs: it may print the
// known variables, branch with if/else/with, and call the few functions in
// allowedFuncs, nothing else. Without loops or calls, rendering costs time
// and output in proportion to the template's length, and that length is
// capped. The output cap and the deadline in execute are backstops for
// whatever this check might miss; they are not what keeps renders short.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"time"
)

// Limits on one part of a template: its source, and what it renders to.
const (
	MaxSubjectBytes = 1 << 10  // the subject template
	MaxBodyBytes    = 64 << 10 // the HTML and the text templates, each
	MaxRenderBytes  = 1 << 20  // the rendered output of any part
)

// renderTimeout is the backstop deadline of one render. A variable so that
// tests can shorten it.
var renderTimeout = 2 * time.Second

// allowedFuncs are what a template may call: comparisons and boolean logic
// to branch on the variables, len, print to join values, and the button
// helper. printf is left out on purpose: "%0999999999d" asks for a
// gigabyte before any writer can refuse it.
var allowedFuncs = map[string]bool{
	"and": true, "or": true, "not": true, "eq": true, "ne": true,
	"lt": true, "le": true, "gt": true, "ge": true, "len": true, "print": true,
	"button": true,
}

// checkSize refuses a part whose source is over its limit before it is
// parsed.
func checkSize(part, src string) *TemplateError {
	limit := MaxBodyBytes
	if part == "subject" {
		limit = MaxSubjectBytes
	}
	if len(src) > limit {
		return &TemplateError{Part: part, Message: fmt.Sprintf("is too long: %s at most", sizeText(limit))}
	}
	return nil
}

// namedTree is one template of a parsed set: the part itself, or one that
// {{define}} or {{block}} added.
type namedTree struct {
	name string
	tree *parse.Tree
}

// checkTemplates validates the part's own tree and refuses every template
// that {{define}} or {{block}} added to the set.
func checkTemplates(part string, main *parse.Tree, set []namedTree) *TemplateError {
	if te := checkTree(part, main); te != nil {
		return te
	}
	for _, t := range set {
		if t.name == part || t.tree == nil {
			continue
		}
		return &TemplateError{Part: part, Line: lineOf(t.tree, t.tree.Root),
			Message: "{{define}} and {{block}} are not allowed in email templates; write the text where it belongs"}
	}
	return nil
}

// checkTree walks one parse tree and reports the first construct a
// template may not use, with its line.
func checkTree(part string, tree *parse.Tree) *TemplateError {
	if tree == nil {
		return nil
	}
	c := &checker{part: part, tree: tree}
	c.node(tree.Root)
	return c.err
}

type checker struct {
	part string
	tree *parse.Tree
	err  *TemplateError
}

func (c *checker) fail(n parse.Node, format string, args ...any) {
	if c.err == nil {
		c.err = &TemplateError{Part: c.part, Line: lineOf(c.tree, n), Message: fmt.Sprintf(format, args...)}
	}
}

func (c *checker) node(n parse.Node) {
	if c.err != nil || n == nil {
		return
	}
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, x := range n.Nodes {
			c.node(x)
		}
	case *parse.TextNode, *parse.CommentNode:
	case *parse.ActionNode:
		c.pipe(n.Pipe)
	case *parse.IfNode:
		c.branch(&n.BranchNode)
	case *parse.WithNode:
		// with narrows to one value and runs its body at most once.
		c.branch(&n.BranchNode)
	case *parse.RangeNode:
		c.fail(n, "{{range}} is not allowed in email templates: there are no lists to repeat")
	case *parse.TemplateNode:
		c.fail(n, "{{template}} and {{block}} are not allowed in email templates; write the text where it belongs")
	default:
		c.fail(n, "%s is not allowed in email templates", n)
	}
}

func (c *checker) branch(b *parse.BranchNode) {
	c.pipe(b.Pipe)
	c.node(b.List)
	if b.ElseList != nil {
		c.node(b.ElseList)
	}
}

func (c *checker) pipe(p *parse.PipeNode) {
	if p == nil {
		return
	}
	for _, cmd := range p.Cmds {
		for _, arg := range cmd.Args {
			c.arg(arg)
		}
	}
}

func (c *checker) arg(n parse.Node) {
	if c.err != nil {
		return
	}
	switch n := n.(type) {
	case *parse.IdentifierNode:
		if !allowedFuncs[n.Ident] {
			c.fail(n, "function %s is not allowed in email templates; available: %s", n.Ident, funcList())
		}
	case *parse.FieldNode:
		c.field(n, n.Ident, "{{."+strings.Join(n.Ident, ".")+"}}")
	case *parse.VariableNode:
		switch {
		case len(n.Ident) == 1: // $ or a variable the template declared
		case n.Ident[0] == "$":
			c.field(n, n.Ident[1:], "{{$."+strings.Join(n.Ident[1:], ".")+"}}")
		default:
			c.fail(n, "%s: the variables are text, which has no fields", n)
		}
	case *parse.PipeNode:
		c.pipe(n)
	case *parse.DotNode, *parse.StringNode, *parse.NumberNode, *parse.BoolNode, *parse.NilNode:
	case *parse.ChainNode:
		c.fail(n, "%s: the variables are text, which has no fields", n)
	default:
		c.fail(n, "%s is not allowed in email templates", n)
	}
}

// field accepts exactly one of the documented variables.
func (c *checker) field(n parse.Node, idents []string, ref string) {
	if len(idents) == 1 && knownVars[idents[0]] {
		return
	}
	c.fail(n, "unknown variable %s; available: %s", ref, availableList())
}

// lineOf is n's 1-based line in tree's source, 0 when unknown.
func lineOf(tree *parse.Tree, n parse.Node) int {
	loc, _ := tree.ErrorContext(n) // "name:line:col"
	if f := strings.Split(loc, ":"); len(f) >= 2 {
		line, _ := strconv.Atoi(f[1])
		return line
	}
	return 0
}

func availableList() string {
	names := make([]string, len(varDocs))
	for i, d := range varDocs {
		names[i] = "{{." + d.Name + "}}"
	}
	return strings.Join(names, ", ")
}

func funcList() string {
	names := make([]string, 0, len(allowedFuncs))
	for f := range allowedFuncs {
		names = append(names, f)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// Errors that stop a render from its writer.
var (
	errTooLong  = errors.New("mail: render output over its limit")
	errTimedOut = errors.New("mail: render past its deadline")
)

// execute runs one checked template with the output cap and the deadline.
// A render past its deadline is abandoned with an error for the caller:
// text/template cannot be cancelled, so its goroutine ends at its next
// write (which fails) or when it finishes by itself.
func execute(part string, run func(io.Writer) error) (string, error) {
	w := &cappedWriter{max: MaxRenderBytes}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("render failed: %v", r)
			}
		}()
		done <- run(w)
	}()
	timer := time.NewTimer(renderTimeout)
	defer timer.Stop()
	select {
	case err := <-done:
		switch {
		case errors.Is(err, errTooLong):
			return "", &TemplateError{Part: part, Message: fmt.Sprintf("renders to more than %s", sizeText(MaxRenderBytes))}
		case err != nil:
			return "", templateError(part, err)
		}
		return w.buf.String(), nil
	case <-timer.C:
		w.stop(errTimedOut)
		return "", &TemplateError{Part: part, Message: fmt.Sprintf("took longer than %s to render", renderTimeout)}
	}
}

// cappedWriter collects a render's output and fails every write once the
// output would pass max bytes or the render was abandoned.
type cappedWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	max     int
	stopped error
}

func (w *cappedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped != nil {
		return 0, w.stopped
	}
	if w.buf.Len()+len(p) > w.max {
		w.stopped = errTooLong
		return 0, errTooLong
	}
	return w.buf.Write(p)
}

func (w *cappedWriter) stop(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped == nil {
		w.stopped = err
	}
}

func sizeText(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", n>>10)
}
