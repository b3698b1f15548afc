/**
 * Kafka I/O of both jobs: the records read ({@link io.streamscale.kafka.KafkaInput}) and written
 * ({@link io.streamscale.kafka.Relayed}), free of Flink; the Kafka source and sink built from the
 * jobs' options ({@link io.streamscale.kafka.KafkaIO}), their (de)serialisation and the client
 * properties file.
 */
package io.streamscale.kafka;
