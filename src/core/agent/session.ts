// A session's spans -> its steps: normalised, in time order (a parent before its children), with the
// agent each step runs under, the aggregate flag (so usage is never counted twice) and prices.
import { priceUsage, type PricingOptions } from '../pricing/price';
import { mergeGatewaySteps } from './gatewayMerge';
import { applyFrameworkRules, applyNamingRules } from './frameworks';
import { normaliseSpan } from './normalise';
import { settledOrderAndLinks } from './order';
import type { DataflowLink } from './dataflow';
import { parentIndices } from './tree';
import type { AgentStep, SpanInput } from './types';

export interface SessionOptions {
  pricing?: PricingOptions;
}

export function normaliseSession(inputs: readonly SpanInput[], options: SessionOptions = {}): AgentStep[] {
  return orderedSession(inputs, options).steps;
}

/** normaliseSession's steps and their parent indices (the graph needs them too; they cost ~90 ms per 100k steps). */
export function orderedSession(inputs: readonly SpanInput[], options: SessionOptions = {}): ReturnType<typeof orderedSteps> {
  return orderedSteps(inputs.map(normaliseSpan), options);
}

/**
 * orderedSession of spans normalised already (normaliseSpan of each input, in the inputs' order); with the
 * steps' dataflow links when ordering them read them and left them where they were (buildGraph's input).
 */
export function orderedSteps(normalised: AgentStep[], options: SessionOptions = {}): { steps: AgentStep[]; parents: Int32Array; dataflow?: DataflowLink[] } {
  const { steps, depth, parent, uniqueIds } = relateSteps(normalised, options);
  const order = steps.map((_, i) => i);
  // Equal starts are common (JS SDKs stamp starts in whole ms): parents first, then arrival order;
  // settledOrder below then applies dataflow.
  order.sort((a, b) => steps[a].startMs - steps[b].startMs || depth[a] - depth[b] || a - b);
  const sorted = order.map((i) => steps[i]);
  // Links found again where an id repeats: which twin is the parent depends on the order.
  const sortedParents = uniqueIds ? reordered(parent, order) : undefined;
  const settling = settledOrderAndLinks(sorted, sortedParents);
  // An order that moves nothing is none: the links read then hold for the steps as they are.
  const settled = settling.order?.every((old, k) => old === k) ? undefined : settling.order;
  const final = settled ? settled.map((i) => sorted[i]) : sorted;
  const parents = sortedParents === undefined ? parentIndices(final) : settled ? reordered(sortedParents, settled) : sortedParents;
  return { steps: final, parents, dataflow: settled ? undefined : settling.links };
}

/** Parent indices of steps put in `order` (order[k]: the old position of the step now at k). */
function reordered(parents: Int32Array, order: readonly number[]): Int32Array {
  const now = new Int32Array(parents.length);
  order.forEach((old, k) => (now[old] = k));
  const out = new Int32Array(order.length);
  order.forEach((old, k) => (out[k] = parents[old] >= 0 ? now[parents[old]] : -1));
  return out;
}

/**
 * Normalised spans (in arrival order) -> the session's steps in that order, with what relates them: gateway
 * twins merged, framework rules, aggregates, agent names, names and prices. Each step's depth (0 for roots)
 * and parent index, and whether its ids are unique (parentLinks).
 * Apart from the gateway merge, what it does to a trace's steps depends on that trace's steps alone.
 */
export function relateSteps(normalised: AgentStep[], options: SessionOptions): { steps: AgentStep[]; depth: Int32Array; parent: Int32Array; uniqueIds: boolean } {
  const { steps, parent, uniqueIds } = applyFrameworkRules(mergeGatewaySteps(normalised));
  const depth = depthsOf(parent);
  markAggregates(steps, parent);
  inheritAgentNames(steps, parent);
  applyNamingRules(steps);
  for (const s of steps) {
    applyPrice(s, options.pricing);
    // The provider is a fact of a model call; on an agent or tool span (invoke_agent, execute_tool carry
    // gen_ai.provider.name) it only confuses. The raw attribute stays in the step's attributes.
    if (s.kind !== 'llm' && s.kind !== 'embedding' && !hasUsage(s)) delete s.provider;
  }
  return { steps, depth, parent, uniqueIds };
}

/** Depth of every step (0 for roots); iterative and cycle-safe, since parent links come from the wire. */
function depthsOf(parent: Int32Array): Int32Array {
  const depth = new Int32Array(parent.length).fill(-1);
  const chain: number[] = [];
  for (let i = 0; i < parent.length; i++) {
    let j = i;
    chain.length = 0;
    while (j >= 0 && depth[j] < 0 && chain.length <= parent.length) {
      chain.push(j);
      depth[j] = 0; // provisional: a cycle ends here
      j = parent[j];
    }
    let d = j >= 0 ? depth[j] + 1 : 0;
    for (let k = chain.length - 1; k >= 0; k--) depth[chain[k]] = d++;
  }
  return depth;
}

function hasTokens(s: AgentStep): boolean {
  return (s.inputTokens ?? 0) > 0 || (s.outputTokens ?? 0) > 0 || (s.cacheReadTokens ?? 0) > 0 || (s.cacheWriteTokens ?? 0) > 0;
}

export function hasUsage(s: AgentStep): boolean {
  return (s.inputTokens ?? 0) > 0 || (s.outputTokens ?? 0) > 0 || (s.costUsd ?? 0) > 0;
}

/**
 * A step with usage whose descendants also report usage sums them up: flag it so totals skip it. So is an
 * LLM step with an LLM child: one call traced twice, by a framework's wrapper and by the client below it
 * (e.g. OpenInference or Traceloop over the Anthropic SDK's own span), counted once, even when it failed.
 */
function markAggregates(steps: readonly AgentStep[], parent: Int32Array): void {
  const usageBelow = new Uint8Array(steps.length);
  steps.forEach((s, i) => {
    if (s.kind === 'llm' && parent[i] >= 0 && steps[parent[i]].kind === 'llm') steps[parent[i]].aggregate = true;
    if (!hasUsage(s)) return;
    for (let p = parent[i], guard = 0; p >= 0 && !usageBelow[p] && guard < steps.length; p = parent[p], guard++) usageBelow[p] = 1;
  });
  steps.forEach((s, i) => {
    if (usageBelow[i] && hasUsage(s)) s.aggregate = true;
  });
}

/** A step without an agent name of its own runs under its nearest ancestor's agent. */
function inheritAgentNames(steps: readonly AgentStep[], parent: Int32Array): void {
  const own = steps.map((s) => s.agentName ?? (s.kind === 'agent' ? s.name : undefined));
  const resolved: (string | undefined)[] = new Array(steps.length);
  const done = new Uint8Array(steps.length);
  const chain: number[] = [];
  for (let i = 0; i < steps.length; i++) {
    chain.length = 0;
    let name: string | undefined;
    for (let j = i; j >= 0 && chain.length <= steps.length; j = parent[j]) {
      if (done[j]) {
        name = resolved[j];
        break;
      }
      chain.push(j);
      name = own[j];
      if (name !== undefined) break;
    }
    for (const c of chain) {
      resolved[c] = own[c] ?? name;
      done[c] = 1;
    }
  }
  steps.forEach((s, i) => {
    if (resolved[i] !== undefined) s.agentName = resolved[i];
  });
}

/**
 * A positive cost on the span wins; else the user's override; else the price database; else "no price".
 * A span cost of 0 on a call with tokens is not a price (instrumentations write 0 when they could not
 * price a call, e.g. offline): it falls back like a span without a cost.
 */
export function applyPrice(s: AgentStep, pricing: PricingOptions | undefined): void {
  // Answered from a cassette (or with an edited answer) by the gateway: nothing was sent, nothing paid, whatever its tokens.
  if (s.attributes?.['agent_debugger.replay'] === 'replayed' || s.attributes?.['agent_debugger.replay.edited_answer'] === true) {
    s.costUsd = 0;
    s.costSource = 'span';
    delete s.priceMissing;
    return;
  }
  if (s.costSource === 'span' && ((s.costUsd ?? 0) > 0 || !hasTokens(s))) return;
  const result = priceUsage(
    { model: s.model, provider: s.provider, inputTokens: s.inputTokens, outputTokens: s.outputTokens, cacheReadTokens: s.cacheReadTokens, cacheWriteTokens: s.cacheWriteTokens, timeMs: s.startMs },
    pricing,
  );
  if (!result) return;
  if ('priceMissing' in result) {
    s.priceMissing = true;
    s.costSource = 'none';
    delete s.costUsd;
  } else {
    s.costUsd = result.costUsd;
    s.costSource = result.source;
    delete s.priceMissing;
  }
}
