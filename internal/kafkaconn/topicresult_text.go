package kafkaconn

import "fmt"

// String is the result as `topics create` prints it: "created in (2 partitions)", or "exists "
// in the verb's place for a topic that was there.
func (r TopicResult) String() string {
	verb := "exists "
	if r.Created {
		verb = "created"
	}
	return fmt.Sprintf("%s %s (%d partitions)", verb, r.Name, r.Partitions)
}
