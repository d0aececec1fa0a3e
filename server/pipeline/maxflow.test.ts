import { describe, expect, it } from 'vitest';
import { mulberry32 } from './gmm.js';
import { GridMaxFlow } from './maxflow.js';

/** Reference: Edmonds–Karp on the same grid graph (adjacency by capacity matrix, fine at this size). */
function referenceMaxFlow(
  w: number,
  h: number,
  edges: Map<string, number>,
  source: number[],
  sink: number[],
): number {
  const n = w * h + 2;
  const s = w * h;
  const t = w * h + 1;
  const cap = Array.from({ length: n }, () => new Float64Array(n));
  for (const [key, c] of edges) {
    const [p, q] = key.split(',').map(Number) as [number, number];
    cap[p]![q] = cap[p]![q]! + c;
  }
  for (let p = 0; p < w * h; p++) {
    cap[s]![p] = source[p]!;
    cap[p]![t] = sink[p]!;
  }
  let flow = 0;
  for (;;) {
    const prev = new Int32Array(n).fill(-1);
    prev[s] = s;
    const queue = [s];
    while (queue.length > 0 && prev[t] === -1) {
      const u = queue.shift()!;
      for (let v = 0; v < n; v++) {
        if (prev[v] === -1 && cap[u]![v]! > 0) {
          prev[v] = u;
          queue.push(v);
        }
      }
    }
    if (prev[t] === -1) return flow;
    let bottleneck = Number.POSITIVE_INFINITY;
    for (let v = t; v !== s; v = prev[v]!) bottleneck = Math.min(bottleneck, cap[prev[v]!]![v]!);
    for (let v = t; v !== s; v = prev[v]!) {
      cap[prev[v]!]![v] = cap[prev[v]!]![v]! - bottleneck;
      cap[v]![prev[v]!] = cap[v]![prev[v]!]! + bottleneck;
    }
    flow += bottleneck;
  }
}

describe('GridMaxFlow (Boykov–Kolmogorov)', () => {
  it('matches Edmonds–Karp and returns a cut whose capacity equals the flow', () => {
    const random = mulberry32(42);
    for (let trial = 0; trial < 40; trial++) {
      const w = 2 + Math.floor(random() * 6);
      const h = 2 + Math.floor(random() * 6);
      const graph = new GridMaxFlow(w, h);
      const edges = new Map<string, number>();
      const source: number[] = [];
      const sink: number[] = [];
      for (let p = 0; p < w * h; p++) {
        const toSource = Math.floor(random() * 20);
        const toSink = Math.floor(random() * 20);
        graph.addTerminal(p, toSource, toSink);
        source.push(toSource);
        sink.push(toSink);
        const x = p % w;
        if (x + 1 < w) {
          const a = Math.floor(random() * 15);
          const b = Math.floor(random() * 15);
          graph.setEdge(p, 0, a, b);
          edges.set(`${p},${p + 1}`, a);
          edges.set(`${p + 1},${p}`, b);
        }
        if (p + w < w * h) {
          const a = Math.floor(random() * 15);
          const b = Math.floor(random() * 15);
          graph.setEdge(p, 1, a, b);
          edges.set(`${p},${p + w}`, a);
          edges.set(`${p + w},${p}`, b);
        }
      }
      // BK works on terminal differences; the common part min(source, sink) is flow it never sees.
      const constant = source.reduce((sum, c, p) => sum + Math.min(c, sink[p]!), 0);
      const flow = graph.maxflow() + constant;
      expect(flow).toBe(referenceMaxFlow(w, h, edges, source, sink));

      // Capacity of the returned cut (source side = isSource) must equal the max flow.
      let cut = 0;
      for (let p = 0; p < w * h; p++) {
        if (graph.isSource(p)) cut += sink[p]!;
        else cut += source[p]!;
      }
      for (const [key, c] of edges) {
        const [p, q] = key.split(',').map(Number) as [number, number];
        if (graph.isSource(p) && !graph.isSource(q)) cut += c;
      }
      expect(cut).toBe(flow);
    }
  });

  it('cuts a 300×300 grid well within the time budget', () => {
    const w = 300;
    const h = 300;
    const graph = new GridMaxFlow(w, h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        const inside = (x - 150) ** 2 + (y - 150) ** 2 < 80 ** 2;
        graph.terminalCap[p] = inside ? 64 : -64;
        if (x + 1 < w) graph.setEdge(p, 0, 800, 800);
        if (y + 1 < h) graph.setEdge(p, 1, 800, 800);
      }
    }
    const started = performance.now();
    graph.maxflow();
    const elapsed = performance.now() - started;
    expect(graph.isSource(150 * w + 150)).toBe(true);
    expect(graph.isSource(5 * w + 5)).toBe(false);
    expect(elapsed).toBeLessThan(1000);
  });
});
