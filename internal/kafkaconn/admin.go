package kafkaconn

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"
)

// CreateTopics connects to c and creates the topics of specs that are missing, checking the
// others (EnsureTopics).
func (c Conn) CreateTopics(ctx context.Context, specs []TopicSpec) ([]TopicResult, error) {
	cl, err := c.NewClient()
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	return EnsureTopics(ctx, cl, specs)
}

// DeleteTopics connects to c and deletes the topics, calling deleted with each one's name in
// order; it stops at the first topic the broker refuses to delete.
func (c Conn) DeleteTopics(ctx context.Context, names []string, deleted func(string)) error {
	cl, err := c.NewClient()
	if err != nil {
		return err
	}
	defer cl.Close()
	resps, err := kadm.NewClient(cl).DeleteTopics(ctx, names...)
	if err != nil {
		return fmt.Errorf("delete topics: %w", err)
	}
	for _, r := range resps.Sorted() {
		if r.Err != nil {
			return fmt.Errorf("delete topic %q: %w", r.Topic, r.Err)
		}
		deleted(r.Topic)
	}
	return nil
}
