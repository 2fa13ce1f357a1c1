import * as assert from 'node:assert/strict';
import { agentEnv, withAgentEnv } from '../../../src/core/launch/agentEnv';

describe('agentEnv: pointing an agent at the receiver', () => {
  const options = { httpEndpoint: 'http://127.0.0.1:4318', grpcEndpoint: 'http://127.0.0.1:4317', sessionId: 's-1', serviceName: 'agent.js' };

  it('sets the standard OTLP variables for HTTP/protobuf by default', () => {
    const env = agentEnv({}, options);
    assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4318');
    assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    assert.equal(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, 'http://127.0.0.1:4318/v1/traces');
    assert.equal(env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, 'http://127.0.0.1:4318/v1/logs');
    assert.equal(env.OTEL_RESOURCE_ATTRIBUTES, 'agent_debugger.session.id=s-1');
    assert.equal(env.OTEL_SERVICE_NAME, 'agent.js');
    assert.equal(env.OTEL_BSP_SCHEDULE_DELAY, '200');
  });

  it('keeps the user\'s resource attributes and service name, and replaces an older session id', () => {
    const env = agentEnv({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=dev, agent_debugger.session.id=old', OTEL_SERVICE_NAME: 'mine' }, options);
    assert.equal(env.OTEL_RESOURCE_ATTRIBUTES, 'deployment.environment=dev,agent_debugger.session.id=s-1');
    assert.equal(env.OTEL_SERVICE_NAME, 'mine');
  });

  it('follows an agent that exports over gRPC or JSON', () => {
    const grpc = agentEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, options);
    assert.equal(grpc.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4317');
    assert.equal(grpc.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, 'http://127.0.0.1:4317');
    assert.equal(grpc.OTEL_EXPORTER_OTLP_PROTOCOL, 'grpc');
    assert.equal(agentEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, options).OTEL_EXPORTER_OTLP_PROTOCOL, 'http/json');
    // No gRPC receiver: fall back to HTTP rather than pointing at nothing.
    const noGrpc = agentEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, { ...options, grpcEndpoint: undefined });
    assert.equal(noGrpc.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4318');
    assert.equal(noGrpc.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
  });

  it('withAgentEnv removes variables that would override ours', () => {
    const env = withAgentEnv({ PATH: '/bin', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, options);
    assert.equal(env.PATH, '/bin');
    assert.equal('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' in env, false);
  });
});
