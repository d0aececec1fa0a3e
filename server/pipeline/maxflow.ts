/**
 * Max-flow / min-cut on a 4-connected pixel grid: the Boykov–Kolmogorov algorithm ("An Experimental
 * Comparison of Min-Cut/Max-Flow Algorithms for Energy Minimization in Vision", PAMI 2004), which is the
 * fastest known method on short-path vision grids. Two search trees grow from the terminals, meet,
 * augment, and are repaired by adopting orphans — trees are reused instead of searched again per path.
 *
 * Integer capacities so saturation is exact (float residues can make BK loop on tiny leftovers).
 */

const TERMINAL = 4;
const NONE = -1;
const FREE = 0;
const SOURCE = 1;
const SINK = 2;
const INFINITE_DIST = 0x3fffffff;

/** Directions: 0 right, 1 down, 2 left, 3 up. The reverse of d is d ^ 2. */
export class GridMaxFlow {
  readonly width: number;
  readonly height: number;
  /** Residual capacity of the edge leaving node p in direction d, at p * 4 + d. */
  readonly edgeCap: Int32Array;
  /** Residual terminal capacity: > 0 towards the source, < 0 towards the sink. */
  readonly terminalCap: Int32Array;
  private readonly offsets: readonly [number, number, number, number];
  private readonly tree: Uint8Array;
  private readonly parent: Int8Array;
  private readonly stamp: Int32Array;
  private readonly dist: Int32Array;
  private readonly active: Int32Array;
  private readonly inActive: Uint8Array;
  private activeHead = 0;
  private activeCount = 0;
  private readonly orphans: Int32Array;
  private orphanHead = 0;
  private orphanCount = 0;
  private time = 0;

  constructor(width: number, height: number) {
    const n = width * height;
    this.width = width;
    this.height = height;
    this.edgeCap = new Int32Array(n * 4);
    this.terminalCap = new Int32Array(n);
    this.offsets = [1, width, -1, -width];
    this.tree = new Uint8Array(n);
    this.parent = new Int8Array(n);
    this.stamp = new Int32Array(n);
    this.dist = new Int32Array(n);
    this.active = new Int32Array(n);
    this.inActive = new Uint8Array(n);
    this.orphans = new Int32Array(n);
  }

  /** Adds terminal capacities (cost of labelling p sink-side, cost of labelling p source-side). */
  addTerminal(p: number, toSource: number, toSink: number): void {
    this.terminalCap[p] = this.terminalCap[p]! + toSource - toSink;
  }

  /** Sets both directions of the edge between p and its neighbour in direction d (0 right or 1 down). */
  setEdge(p: number, d: 0 | 1, capacity: number, reverseCapacity: number): void {
    this.edgeCap[p * 4 + d] = capacity;
    this.edgeCap[(p + this.offsets[d]) * 4 + (d ^ 2)] = reverseCapacity;
  }

  /** Runs to completion and returns the flow value (beyond the constant sum of min terminal caps). */
  maxflow(): number {
    const { edgeCap, terminalCap, offsets, tree, parent, stamp, dist } = this;
    const n = this.width * this.height;
    for (let p = 0; p < n; p++) {
      const t = terminalCap[p]!;
      parent[p] = t === 0 ? NONE : TERMINAL;
      tree[p] = t > 0 ? SOURCE : t < 0 ? SINK : FREE;
      stamp[p] = 0;
      dist[p] = 1;
      if (t !== 0) this.activate(p);
    }
    let flow = 0;
    let current = -1;
    for (;;) {
      if (current < 0 || tree[current] === FREE) {
        current = -1;
        while (this.activeCount > 0) {
          const p = this.popActive();
          if (tree[p] !== FREE) {
            current = p;
            break;
          }
        }
        if (current < 0) break;
      }
      const p = current;
      // Grow the tree of p by one layer; stop at the first edge into the other tree.
      let bridgeFrom = -1;
      let bridgeDir = -1;
      if (tree[p] === SOURCE) {
        for (let d = 0; d < 4; d++) {
          if (edgeCap[p * 4 + d]! <= 0) continue;
          const q = p + offsets[d as 0]!;
          const tq = tree[q];
          if (tq === FREE) {
            tree[q] = SOURCE;
            parent[q] = d ^ 2;
            stamp[q] = stamp[p]!;
            dist[q] = dist[p]! + 1;
            this.activate(q);
          } else if (tq === SINK) {
            bridgeFrom = p;
            bridgeDir = d;
            break;
          } else if (stamp[q]! <= stamp[p]! && dist[q]! > dist[p]!) {
            // Shorter path to the terminal through p (BK heuristic).
            parent[q] = d ^ 2;
            stamp[q] = stamp[p]!;
            dist[q] = dist[p]! + 1;
          }
        }
      } else {
        for (let d = 0; d < 4; d++) {
          const q = p + offsets[d as 0]!;
          if (edgeCap[q * 4 + (d ^ 2)]! <= 0 || !this.inside(p, d)) continue;
          const tq = tree[q];
          if (tq === FREE) {
            tree[q] = SINK;
            parent[q] = d ^ 2;
            stamp[q] = stamp[p]!;
            dist[q] = dist[p]! + 1;
            this.activate(q);
          } else if (tq === SOURCE) {
            bridgeFrom = q;
            bridgeDir = d ^ 2;
            break;
          } else if (stamp[q]! <= stamp[p]! && dist[q]! > dist[p]!) {
            parent[q] = d ^ 2;
            stamp[q] = stamp[p]!;
            dist[q] = dist[p]! + 1;
          }
        }
      }
      if (bridgeFrom < 0) {
        current = -1;
        continue;
      }
      this.time++;
      flow += this.augment(bridgeFrom, bridgeDir);
      this.adoptOrphans();
    }
    return flow;
  }

  /** True when p ended on the source side of the minimum cut. */
  isSource(p: number): boolean {
    return this.tree[p] === SOURCE;
  }

  /** Edges leaving the grid have capacity 0, so only the sink-side scan (which reads q's edge) needs this. */
  private inside(p: number, d: number): boolean {
    const x = p % this.width;
    if (d === 0) return x + 1 < this.width;
    if (d === 2) return x > 0;
    if (d === 1) return p + this.width < this.width * this.height;
    return p >= this.width;
  }

  private activate(p: number): void {
    if (this.inActive[p]) return;
    this.inActive[p] = 1;
    const n = this.active.length;
    this.active[(this.activeHead + this.activeCount) % n] = p;
    this.activeCount++;
  }

  private popActive(): number {
    const p = this.active[this.activeHead]!;
    this.activeHead = (this.activeHead + 1) % this.active.length;
    this.activeCount--;
    this.inActive[p] = 0;
    return p;
  }

  private pushOrphan(p: number): void {
    this.parent[p] = NONE;
    const n = this.orphans.length;
    this.orphans[(this.orphanHead + this.orphanCount) % n] = p;
    this.orphanCount++;
  }

  private augment(s: number, d: number): number {
    const { edgeCap, terminalCap, offsets, parent } = this;
    const t = s + offsets[d as 0]!;
    let bottleneck = edgeCap[s * 4 + d]!;
    let x = s;
    while (parent[x] !== TERMINAL) {
      const dd = parent[x]!;
      const r = x + offsets[dd as 0]!;
      bottleneck = Math.min(bottleneck, edgeCap[r * 4 + (dd ^ 2)]!);
      x = r;
    }
    bottleneck = Math.min(bottleneck, terminalCap[x]!);
    x = t;
    while (parent[x] !== TERMINAL) {
      const dd = parent[x]!;
      bottleneck = Math.min(bottleneck, edgeCap[x * 4 + dd]!);
      x += offsets[dd as 0]!;
    }
    bottleneck = Math.min(bottleneck, -terminalCap[x]!);

    edgeCap[s * 4 + d] = edgeCap[s * 4 + d]! - bottleneck;
    edgeCap[t * 4 + (d ^ 2)] = edgeCap[t * 4 + (d ^ 2)]! + bottleneck;
    x = s;
    while (parent[x] !== TERMINAL) {
      const dd = parent[x]!;
      const r = x + offsets[dd as 0]!;
      const forward = r * 4 + (dd ^ 2);
      edgeCap[forward] = edgeCap[forward]! - bottleneck;
      edgeCap[x * 4 + dd] = edgeCap[x * 4 + dd]! + bottleneck;
      if (edgeCap[forward] === 0) this.pushOrphan(x);
      x = r;
    }
    terminalCap[x] = terminalCap[x]! - bottleneck;
    if (terminalCap[x] === 0) this.pushOrphan(x);
    x = t;
    while (parent[x] !== TERMINAL) {
      const dd = parent[x]!;
      const r = x + offsets[dd as 0]!;
      const forward = x * 4 + dd;
      edgeCap[forward] = edgeCap[forward]! - bottleneck;
      edgeCap[r * 4 + (dd ^ 2)] = edgeCap[r * 4 + (dd ^ 2)]! + bottleneck;
      if (edgeCap[forward] === 0) this.pushOrphan(x);
      x = r;
    }
    terminalCap[x] = terminalCap[x]! + bottleneck;
    if (terminalCap[x] === 0) this.pushOrphan(x);
    return bottleneck;
  }

  private adoptOrphans(): void {
    const { edgeCap, terminalCap, offsets, tree, parent, stamp, dist } = this;
    const time = this.time;
    while (this.orphanCount > 0) {
      const p = this.orphans[this.orphanHead]!;
      this.orphanHead = (this.orphanHead + 1) % this.orphans.length;
      this.orphanCount--;
      const side = tree[p]!;
      // A node whose terminal edge still has capacity towards its own tree is its own valid root.
      const tcap = terminalCap[p]!;
      if ((side === SOURCE && tcap > 0) || (side === SINK && tcap < 0)) {
        parent[p] = TERMINAL;
        stamp[p] = time;
        dist[p] = 1;
        continue;
      }
      let bestDir = -1;
      let bestDist = INFINITE_DIST;
      for (let d = 0; d < 4; d++) {
        if (!this.inside(p, d)) continue;
        const q = p + offsets[d as 0]!;
        if (tree[q] !== side) continue;
        // Source tree: flow must be able to come q → p; sink tree: go p → q.
        const cap = side === SOURCE ? edgeCap[q * 4 + (d ^ 2)]! : edgeCap[p * 4 + d]!;
        if (cap <= 0) continue;
        // Does q still lead to the terminal? Stamps cache the answer for this augmentation.
        let j = q;
        let length = 0;
        for (;;) {
          if (stamp[j] === time) {
            length += dist[j]!;
            break;
          }
          const a = parent[j]!;
          length++;
          if (a === TERMINAL) {
            stamp[j] = time;
            dist[j] = 1;
            break;
          }
          if (a === NONE) {
            length = INFINITE_DIST;
            break;
          }
          j += offsets[a as 0]!;
        }
        if (length < INFINITE_DIST) {
          if (length < bestDist) {
            bestDist = length;
            bestDir = d;
          }
          let k = length;
          for (j = q; stamp[j] !== time; j += offsets[parent[j] as 0]!) {
            stamp[j] = time;
            dist[j] = k--;
          }
        }
      }
      if (bestDir >= 0) {
        parent[p] = bestDir;
        stamp[p] = time;
        dist[p] = bestDist + 1;
        continue;
      }
      // No valid parent: p leaves its tree; neighbours that could reach it become active again and its
      // children become orphans themselves.
      tree[p] = FREE;
      for (let d = 0; d < 4; d++) {
        if (!this.inside(p, d)) continue;
        const q = p + offsets[d as 0]!;
        if (tree[q] !== side) continue;
        const cap = side === SOURCE ? edgeCap[q * 4 + (d ^ 2)]! : edgeCap[p * 4 + d]!;
        if (cap > 0) this.activate(q);
        const a = parent[q]!;
        if (a !== TERMINAL && a !== NONE && q + offsets[a as 0]! === p) this.pushOrphan(q);
      }
    }
  }
}
