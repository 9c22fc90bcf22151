package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/hireloop/hireloop/app"
	"github.com/hireloop/hireloop/app/scoring"
	"github.com/hireloop/hireloop/app/scoring/eval"
)

// llmKeyEnv holds the key for --llm-url. It is never a flag: command lines
// show up in ps and shell history.
const llmKeyEnv = "HIRELOOP_LLM_KEY"

// exitNoLLM is the status of "scoring eval" without an LLM endpoint: there
// is nothing to measure, which a script must be able to tell from a
// failure.
const exitNoLLM = 3

var errNoLLM = exitError{code: exitNoLLM, msg: "scoring eval: the built-in scorer does not score open answers " +
	"(without an LLM endpoint they go to a person); give --llm-url and --llm-model, or --workspace with AI settings"}

// scoringEval measures an LLM scorer against a labelled set and prints
// how closely it follows the human scores (app/scoring/eval).
func (c *CLI) scoringEval(args []string) error {
	fset, parse := c.flags("scoring eval")
	set := fset.String("set", "", "labelled set: a JSONL file, or "+eval.BuiltinPrefix+"NAME for a shipped one ("+
		strings.Join(eval.Builtin(), ", ")+")")
	asJSON := fset.Bool("json", false, `print only {"n", "spearman", "exact", "within_one", "mae"} as JSON`)
	llmURL := fset.String("llm-url", "", "OpenAI-compatible base URL, e.g. https://api.openai.com/v1 (key from "+llmKeyEnv+")")
	llmModel := fset.String("llm-model", "", "model to score with")
	ws := fset.Int64("workspace", 0, "score with this workspace's AI settings")
	conc := fset.Int("concurrency", eval.DefaultConcurrency, "answers scored at once")
	cfg, err := parse(args)
	if err != nil {
		return err
	}
	switch {
	case *set == "":
		return errUsage{msg: "needs --set FILE.jsonl (or --set " + eval.BuiltinPrefix + "hireloop-v1)"}
	case *conc < 1:
		return errUsage{msg: "--concurrency must be at least 1"}
	case *ws != 0 && (*llmURL != "" || *llmModel != ""):
		return errUsage{msg: "give either --workspace or --llm-url and --llm-model, not both"}
	case (*llmURL == "") != (*llmModel == ""):
		return errUsage{msg: "--llm-url and --llm-model go together"}
	}
	items, err := eval.Load(*set)
	if err != nil {
		return err
	}

	var scorer scoring.Scorer
	if *ws != 0 {
		if scorer, err = c.workspaceScorer(cfg, *ws); err != nil {
			return err
		}
	} else {
		if *llmURL == "" {
			return errNoLLM
		}
		if scorer, err = scoring.NewLLM(scoring.LLMConfig{BaseURL: *llmURL, Model: *llmModel, APIKey: c.Getenv(llmKeyEnv)}); err != nil {
			return errUsage{msg: err.Error()}
		}
	}

	ctx, stop := signal.NotifyContext(c.Ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	rep, err := eval.Run(ctx, scorer, items, eval.Options{Concurrency: *conc})
	if err != nil {
		return fmt.Errorf("scoring eval: %w", err)
	}
	if rep.N == 0 {
		return fmt.Errorf("scoring eval: no answer got a score from the model (%d left unscored); check the endpoint and the model", rep.Unscored)
	}
	if *asJSON {
		return c.printEvalJSON(rep)
	}
	return c.printEval(*set, rep)
}

// workspaceScorer builds the scorer a workspace's candidates get, from its
// stored AI settings; errNoLLM when they name no LLM endpoint.
func (c *CLI) workspaceScorer(cfg app.Config, ws int64) (scoring.Scorer, error) {
	var lc scoring.LLMConfig
	var ok bool
	err := c.withApp(cfg, func(a *app.App) error {
		if _, err := a.Store().WorkspaceByID(c.Ctx, ws); err != nil {
			return fmt.Errorf("workspace %d: %w", ws, err)
		}
		var err error
		lc, ok, err = a.Results().LLMConfig(c.Ctx, ws)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNoLLM
	}
	return scoring.NewLLM(lc)
}

// round3 rounds to the three decimals both outputs show, so they agree.
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func (c *CLI) printEvalJSON(r eval.Report) error {
	if r.Unscored > 0 {
		fmt.Fprintf(c.Stderr, "scoring eval: %d answer(s) left unscored, not counted in n: %s\n", r.Unscored, strings.Join(r.UnscoredIDs, ", "))
	}
	return json.NewEncoder(c.Stdout).Encode(struct {
		N         int     `json:"n"`
		Spearman  float64 `json:"spearman"`
		Exact     float64 `json:"exact"`
		WithinOne float64 `json:"within_one"`
		MAE       float64 `json:"mae"`
	}{r.N, round3(r.Spearman), round3(r.Exact), round3(r.WithinOne), round3(r.MAE)})
}

func (c *CLI) printEval(set string, r eval.Report) error {
	tw := tabwriter.NewWriter(c.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "set\t%s (%d answers)\n", set, r.Total)
	fmt.Fprintf(tw, "scorer\t%s, model %s\n", r.Scorer, r.Model)
	fmt.Fprintf(tw, "n\t%d\tanswers with a model score\n", r.N)
	if r.SpearmanDefined {
		fmt.Fprintf(tw, "spearman\t%.3f\trank correlation with the human scores\n", r.Spearman)
	} else {
		fmt.Fprintf(tw, "spearman\t%.3f\tundefined (the human or the model scores are all equal), reported as 0\n", r.Spearman)
	}
	fmt.Fprintf(tw, "exact\t%.3f\tshare where the rounded model score equals the human score\n", r.Exact)
	fmt.Fprintf(tw, "within_one\t%.3f\tshare where they differ by at most 1\n", r.WithinOne)
	fmt.Fprintf(tw, "mae\t%.3f\tmean absolute difference, in points of the 1-5 scale\n", r.MAE)
	unscored := fmt.Sprint(r.Unscored)
	if r.Unscored > 0 {
		unscored += "\t" + strings.Join(r.UnscoredIDs, ", ") + " (not counted in n)"
	}
	fmt.Fprintf(tw, "unscored\t%s\n", unscored)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Disagreements) == 0 {
		fmt.Fprintln(c.Stdout, "\nno disagreements: every model score equals the human one")
		return nil
	}
	fmt.Fprintln(c.Stdout, "\nlargest disagreements")
	tw = tabwriter.NewWriter(c.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tHUMAN\tMODEL\tDIFF")
	for _, d := range r.Disagreements {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\n", d.ID, d.Human, d.Model, d.Diff())
	}
	return tw.Flush()
}
