// Exact nearest-neighbour search over the passage vectors of app/embed/vectors.py.
//
// The lead moves this file to web/embed_search.js; the worker then exposes it to Python:
//   import { createVectorIndex } from "./embed_search.js";
//   Object.assign(self, { createVectorIndex });
// and Python attaches it with `JsScorer.attach(index)` (app/embed/vectors.py), which passes the
// file's bytes and the offsets it already parsed, so the format has one reader of its header.
//
// Why JavaScript: the hot loop is count x dim multiply-adds (15,000 x 384 = 5.8 million);
// a typed-array loop does that in a few milliseconds, Python in Pyodide in a few hundred.

/**
 * @typedef {object} VectorIndex
 * @property {number} count
 * @property {number} dim
 * @property {(query: Float32Array) => Float32Array} scores  similarity of every row (reused)
 * @property {(query: Float32Array, k: number) => {rows: Int32Array, scores: Float32Array}} top
 *   the k best rows and their similarities, best first
 */

/**
 * @param {Uint8Array} bytes  the whole vector file (copied once: Pyodide may reuse its memory)
 * @param {number} scalesAt  byte offset of the float32 scales (a multiple of 4)
 * @param {number} rowsAt  byte offset of the int8 rows
 * @param {number} count  number of vectors
 * @param {number} dim  dimensions per vector
 * @returns {VectorIndex}
 */
export function createVectorIndex(bytes, scalesAt, rowsAt, count, dim) {
  const own = bytes.slice();
  const scales = new Float32Array(own.buffer, scalesAt, count);
  const rows = new Int8Array(own.buffer, rowsAt, count * dim);
  const out = new Float32Array(count);

  /** @param {Float32Array} query */
  function scores(query) {
    if (query.length !== dim) {
      throw new RangeError(`query has ${query.length} dimensions, the index ${dim}`);
    }
    const tail = dim - (dim % 4);
    for (let r = 0, base = 0; r < count; r++, base += dim) {
      // Four accumulators: independent adds keep the CPU's floating-point units busy.
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      let i = 0;
      for (; i < tail; i += 4) {
        a0 += query[i] * rows[base + i];
        a1 += query[i + 1] * rows[base + i + 1];
        a2 += query[i + 2] * rows[base + i + 2];
        a3 += query[i + 3] * rows[base + i + 3];
      }
      for (; i < dim; i++) a0 += query[i] * rows[base + i];
      out[r] = (a0 + a1 + a2 + a3) * scales[r];
    }
    return out;
  }

  /** @param {Float32Array} query @param {number} k */
  function top(query, k) {
    const all = scores(query);
    const n = Math.max(0, Math.min(k, count));
    // A sorted window of the n best so far: n is small (tens), so insertion beats a heap.
    const best = new Int32Array(n);
    let filled = 0;
    for (let r = 0; r < count; r++) {
      const s = all[r];
      if (filled === n && (n === 0 || s <= all[best[n - 1]])) continue;
      let j = filled < n ? filled++ : n - 1;
      while (j > 0 && all[best[j - 1]] < s) {
        best[j] = best[j - 1];
        j--;
      }
      best[j] = r;
    }
    const bestScores = new Float32Array(n);
    for (let j = 0; j < n; j++) bestScores[j] = all[best[j]];
    return { rows: best, scores: bestScores };
  }

  return { count, dim, scores, top };
}
