-- The FAQ matcher in Flink SQL: questions from a Kafka topic, matched by the faq-matcher model
-- (in the TaskManagers, on the same inference path as the DataStream job), written exactly once
-- to another topic. deploy/sql.sh runs this script on the cluster of deploy/cluster.sh.
-- CHANGE the brokers, the topics and the FAQ bank for your own.
-- MATCHES is a reserved word in Flink SQL: the column is written `matches`.
-- (Flink SQL client: no semicolons or quotes in these comments.)

-- The Kafka sink commits at each checkpoint.
SET 'execution.checkpointing.interval' = '5s';
SET 'pipeline.name' = 'faq-matcher-sql';

CREATE TABLE questions (
  id STRING,
  text STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'questions',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.group.id' = 'faq-matcher-sql',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true'
);

CREATE TABLE faq_matches (
  id STRING,
  text STRING,
  faq_id STRING,
  answer STRING,
  score DOUBLE,
  route STRING,
  `matches` ARRAY<ROW<faq_id STRING, question STRING, answer STRING, score DOUBLE>>
) WITH (
  'connector' = 'kafka',
  'topic' = 'faq-matches-sql',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = 'faq-matcher-sql',
  'properties.transaction.timeout.ms' = '900000'
);

-- Options are the settings of the job under their own names (README, Configuration reference).
CREATE MODEL faq
INPUT (text STRING)
OUTPUT (
  faq_id STRING,
  faq_question STRING,
  answer STRING,
  score DOUBLE,
  route STRING,
  `matches` ARRAY<ROW<faq_id STRING, question STRING, answer STRING, score DOUBLE>>
) WITH (
  'provider' = 'faq-matcher',
  'task' = 'match',
  'faq.bank' = 'classpath:samples/faq-bank.jsonl'
);

-- Rows in flight share model runs: up to max-concurrent-operations per slot go into the batches.
INSERT INTO faq_matches
SELECT id, text, faq_id, answer, score, route, `matches`
FROM ML_PREDICT(TABLE questions, MODEL faq, DESCRIPTOR(text),
                MAP['async', 'true', 'max-concurrent-operations', '256']);
