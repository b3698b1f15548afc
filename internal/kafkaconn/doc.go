// Package kafkaconn turns streamscale's connection settings into franz-go client options and
// manages the pipeline's topics with kadm.
package kafkaconn
