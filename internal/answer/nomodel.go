package answer

import "context"

// WarnNoModel starts the warning of an answer that Request.NoModel kept
// from the model; the reason follows.
const WarnNoModel = "The language model was not used: "

// askWithoutModel answers req as an offline pipeline would (condensing and
// quoting without the model) and, unless the question was refused, adds
// WarnNoModel and req.NoModel to the warnings.
func (p *Pipeline) askWithoutModel(ctx context.Context, req Request, onEvent func(Event)) (Answer, error) {
	offline := *p
	offline.opts.Model = nil
	reason := req.NoModel
	req.NoModel = ""
	a, err := offline.Ask(ctx, req, onEvent)
	if err == nil && !a.Refused {
		a.Warnings = append(a.Warnings, WarnNoModel+reason)
	}
	return a, err
}
