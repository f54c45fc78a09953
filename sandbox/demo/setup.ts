import { Kafka, logLevel } from 'kafkajs';
import type { AgentClient } from '../../client/agentClient';
import { createQueratorQueue } from '../querator';
import { DEMO, demoConnectors, demoFlinkScript, type DemoServices } from './pipeline';

type Log = (line: string) => void;

/**
 * Creates what the demo pipeline runs on before the agent first lists it, each step idempotent so
 * a second start over a running sandbox changes nothing: the two topics (the sandbox broker
 * creates none by itself), the two Connect file connectors and the Querator queue.
 */
export async function prepareDemoServices(services: DemoServices, sandbox: string, log: Log): Promise<void> {
  const admin = new Kafka({ clientId: 'pipeline-pause-demo', brokers: [services.kafka.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [DEMO.ordersTopic, DEMO.clicksTopic].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const connectors = demoConnectors(sandbox);
  for (const [name, config] of Object.entries(connectors)) {
    const response = await fetch(`${services.connect.url}/connectors/${name}/config`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(config) });
    if (!response.ok) throw new Error(`Kafka Connect refused connector ${name}: ${response.status} ${await response.text()}`);
  }
  log(`demo: connectors ${Object.keys(connectors).join(', ')} on ${services.connect.url}`);
  await createQueratorQueue(services.querator.endpoint, DEMO.queratorQueue).catch((error: Error) => {
    if (!/already exists/i.test(error.message)) throw error;
  });
  log(`demo: Querator queue ${DEMO.queratorQueue}`);
}

/** The Flink job, deployed through the agent as a user deploys it from the editor, unless it runs already. */
export async function deployDemoJob(services: DemoServices, agent: AgentClient, log: Log): Promise<void> {
  const job = await agent.resource(`flink/${DEMO.flinkJob}`).catch(() => null);
  if (job && job.state === 'running') {
    log(`demo: Flink job ${DEMO.flinkJob} already running`);
    return;
  }
  log(`demo: deploying Flink job ${DEMO.flinkJob} through the agent (about half a minute)`);
  const deployed = await agent.deploy('flink', { statement: demoFlinkScript(services.kafka.bootstrap) });
  log(`demo: ${deployed.message}`);
}
