package answer

import "context"

// RankBaseFeatures is how many features come before the ones by question
// type.
const RankBaseFeatures = fByType

// RankWeights returns rank.go's table of learned weights.
func RankWeights() []float64 {
	w := rankWeights()
	return w[:]
}

// RankExamples returns, for a question asked offline of p as Ask would
// answer it, the features of each candidate sentence and whether it holds
// the answer (holds): the examples TestLearnRanker fits rankWeights to. It
// returns nothing when Ask would refuse.
func (p *Pipeline) RankExamples(ctx context.Context, question string, holds func(string) bool) ([][]float64, []bool, error) {
	hits, err := p.opts.Retriever.Search(ctx, question, p.opts.K)
	if err != nil || !p.answerable(question, hits) {
		return nil, nil, err
	}
	passages := p.pack(hits, p.passageBudget(question))
	q, cands, ok := p.scored(question, question, passages)
	if !ok || !p.counted(q, cands) {
		return nil, nil, nil
	}
	xs := make([][]float64, len(cands))
	ys := make([]bool, len(cands))
	for i, c := range cands {
		f := p.rankFeatures(q, cands, i, passages[0].Score)
		xs[i] = f[:]
		ys[i] = holds(c.text())
	}
	return xs, ys, nil
}

// AsksAtTheEnd reports whether q asks about a story's end with a topic of
// its own (atTheEndRe).
func AsksAtTheEnd(q string) bool { return atTheEndRe.MatchString(q) }

// SplitAsks is p.splitAsks: the two questions of a message that asks them
// joined by "and", or nil.
func SplitAsks(p *Pipeline, q string) []string { return p.splitAsks(q) }
