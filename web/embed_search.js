// Exact nearest-neighbour search over the passage vectors of app/embed/vectors.py.
//
// The worker (web/worker.js) exposes `createVectorIndex` on `self`, and Python calls it from
// `JsScorer.load(array)` (app/embed/vectors.py) with the downloaded Uint8Array and the offsets
// it parsed from the header, so the format has one reader of its header.
//
// Why not Python: the hot loop is count x dim multiply-adds (15,000 x 384 = 5.8 million), a few
// hundred milliseconds in Pyodide. A plain typed-array loop takes ~10 ms; a WebAssembly SIMD
// loop (16 int8 components per step, in float32 like the loop) well under 1 ms, so that is the
// default wherever WebAssembly SIMD exists (every current browser) and the loop the fallback.

/**
 * @typedef {object} VectorIndex
 * @property {number} count
 * @property {number} dim
 * @property {"wasm-simd" | "js"} kind  which scorer runs
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
 * @param {{simd?: boolean}} [options]  simd: false forces the plain loop (tests, benchmarks)
 * @returns {VectorIndex}
 */
export function createVectorIndex(bytes, scalesAt, rowsAt, count, dim, options = {}) {
  const scorer = (options.simd ?? true) && simdScorer(bytes, scalesAt, rowsAt, count, dim);
  const { kind, scoreAll } = scorer || loopScorer(bytes, scalesAt, rowsAt, count, dim);

  /** @param {Float32Array} query */
  function scores(query) {
    if (query.length !== dim) {
      throw new RangeError(`query has ${query.length} dimensions, the index ${dim}`);
    }
    return scoreAll(query);
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

  return { count, dim, kind, scores, top };
}

/**
 * The typed-array loop: works everywhere.
 * @param {Uint8Array} bytes @param {number} scalesAt @param {number} rowsAt
 * @param {number} count @param {number} dim
 */
function loopScorer(bytes, scalesAt, rowsAt, count, dim) {
  const own = bytes.slice();
  const scales = new Float32Array(own.buffer, scalesAt, count);
  const rows = new Int8Array(own.buffer, rowsAt, count * dim);
  const out = new Float32Array(count);
  const tail = dim - (dim % 4);

  /** @param {Float32Array} query */
  function scoreAll(query) {
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
  return { kind: /** @type {const} */ ("js"), scoreAll };
}

/**
 * The WebAssembly SIMD scorer, or null where WebAssembly SIMD is missing or `dim` is not a
 * multiple of 16 (one 128-bit load of int8 components per step). Its memory holds, in order:
 * the int8 rows, the float32 scales, the float32 query and the float32 scores.
 * @param {Uint8Array} bytes @param {number} scalesAt @param {number} rowsAt
 * @param {number} count @param {number} dim
 */
function simdScorer(bytes, scalesAt, rowsAt, count, dim) {
  if (dim % 16 !== 0 || typeof WebAssembly !== "object") return null;
  const code = scoreModule();
  if (!WebAssembly.validate(code)) return null;
  const rowsP = 0;
  const scalesP = align16(count * dim);
  const queryP = align16(scalesP + 4 * count);
  const outP = align16(queryP + 4 * dim);
  const memory = new WebAssembly.Memory({ initial: Math.ceil((outP + 4 * count) / 65536) || 1 });
  // Synchronous compile: Python loads the index synchronously, and the module is tiny.
  const instance = new WebAssembly.Instance(new WebAssembly.Module(code), { env: { memory } });
  const score = /** @type {(rows: number, scales: number, query: number, out: number,
    count: number, dim: number) => void} */ (instance.exports.scores);
  const heap = new Uint8Array(memory.buffer);
  heap.set(bytes.subarray(rowsAt, rowsAt + count * dim), rowsP);
  heap.set(bytes.subarray(scalesAt, scalesAt + 4 * count), scalesP);
  const query = new Float32Array(memory.buffer, queryP, dim);
  const out = new Float32Array(memory.buffer, outP, count);

  /** @param {Float32Array} q */
  function scoreAll(q) {
    query.set(q);
    score(rowsP, scalesP, queryP, outP, count, dim);
    return out;
  }
  return { kind: /** @type {const} */ ("wasm-simd"), scoreAll };
}

/** @param {number} n */
const align16 = (n) => (n + 15) & ~15;

// --- A small WebAssembly assembler: just what the one function below needs. ---

/** @param {number} n  unsigned LEB128 */
function uleb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}
/** @param {number[][]} items  a vector: its length, then its items */
const vec = (items) => [...uleb(items.length), ...items.flat()];
/** @param {string} text */
const name = (text) => vec([...text].map((c) => [c.charCodeAt(0)]));
/** @param {number} id @param {number[]} body */
const section = (id, body) => [id, ...uleb(body.length), ...body];

const I32 = 0x7f;
const V128 = 0x7b;
const EMPTY = 0x40; // a block that yields nothing
/** @param {number} index */
const get = (index) => [0x20, ...uleb(index)];
/** @param {number} index */
const set = (index) => [0x21, ...uleb(index)];
/** @param {number} value */
const i32 = (value) => [0x41, ...uleb(value)]; // small non-negative constants only
const ADD = 0x6a;
const LT_U = 0x49;
const EQZ = 0x45;
const SHL = 0x74;
/** @param {number} op */
const simd = (op) => [0xfd, ...uleb(op)];
/** @param {number} offset  a 128-bit load at `offset` from the address on the stack */
const v128Load = (offset) => [...simd(0x00), 4, ...uleb(offset)];
const V128_ZERO = [...simd(0x0c), ...new Array(16).fill(0)];
const I16X8_FROM_LOW_I8 = simd(0x87);
const I16X8_FROM_HIGH_I8 = simd(0x88);
const I32X4_FROM_LOW_I16 = simd(0xa7);
const I32X4_FROM_HIGH_I16 = simd(0xa8);
const F32X4_FROM_I32X4 = simd(0xfa);
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);
/** @param {number} lane */
const f32x4Lane = (lane) => [...simd(0x1f), lane];

/** @type {Uint8Array | null} */
let moduleBytes = null;

/**
 * scores(rows, scales, query, out, count, dim): for each row r,
 *   out[r] = scales[r] * sum_i float(rows[r*dim + i]) * query[i]
 * 16 components per step: one load of int8s, widened to four float32x4 vectors, multiplied
 * by the query's and added into four accumulators (independent chains, as in the loop).
 */
function scoreModule() {
  if (moduleBytes) return moduleBytes;
  // Parameters 0-5, then locals: r, i, row (i32); acc0-acc3, v, wide (v128).
  const [ROWS, SCALES, QUERY, OUT, COUNT, DIM] = [0, 1, 2, 3, 4, 5];
  const [R, I, ROW, ACC, V, WIDE] = [6, 7, 8, 9, 13, 14];
  /** acc[k] += float32x4(widened part) * query[i + 4k .. i + 4k + 3] @param {number} k */
  const multiplyAdd = (k, widen) => [
    ...get(ACC + k),
    ...get(WIDE), ...widen, ...F32X4_FROM_I32X4,
    ...get(QUERY), ...get(I), ...i32(2), SHL, ADD, ...v128Load(16 * k),
    ...F32X4_MUL, ...F32X4_ADD, ...set(ACC + k),
  ];
  const inner = [
    0x02, EMPTY, 0x03, EMPTY, // block { loop {
    ...get(I), ...get(DIM), LT_U, EQZ, 0x0d, 1, // i >= dim: leave
    ...get(ROW), ...get(I), ADD, ...v128Load(0), ...set(V),
    ...get(V), ...I16X8_FROM_LOW_I8, ...set(WIDE),
    ...multiplyAdd(0, I32X4_FROM_LOW_I16), ...multiplyAdd(1, I32X4_FROM_HIGH_I16),
    ...get(V), ...I16X8_FROM_HIGH_I8, ...set(WIDE),
    ...multiplyAdd(2, I32X4_FROM_LOW_I16), ...multiplyAdd(3, I32X4_FROM_HIGH_I16),
    ...get(I), ...i32(16), ADD, ...set(I),
    0x0c, 0, 0x0b, 0x0b, // continue } }
  ];
  const sum = [
    ...get(ACC), ...get(ACC + 1), ...F32X4_ADD, ...get(ACC + 2), ...F32X4_ADD,
    ...get(ACC + 3), ...F32X4_ADD, ...set(V),
    ...get(V), ...f32x4Lane(0), ...get(V), ...f32x4Lane(1), 0x92, // f32.add
    ...get(V), ...f32x4Lane(2), 0x92, ...get(V), ...f32x4Lane(3), 0x92,
  ];
  const rowAddress = (/** @type {number} */ base) => [...get(base), ...get(R), ...i32(2), SHL, ADD];
  const body = [
    ...vec([[3, I32], [6, V128]]),
    ...get(ROWS), ...set(ROW),
    0x02, EMPTY, 0x03, EMPTY, // block { loop {
    ...get(R), ...get(COUNT), LT_U, EQZ, 0x0d, 1, // r >= count: leave
    ...[0, 1, 2, 3].flatMap((k) => [...V128_ZERO, ...set(ACC + k)]),
    ...i32(0), ...set(I),
    ...inner,
    ...rowAddress(OUT), // out[r] = sum * scales[r]
    ...sum,
    ...rowAddress(SCALES), 0x2a, 2, 0, // f32.load
    0x94, // f32.mul
    0x38, 2, 0, // f32.store
    ...get(ROW), ...get(DIM), ADD, ...set(ROW),
    ...get(R), ...i32(1), ADD, ...set(R),
    0x0c, 0, 0x0b, 0x0b, // continue } }
    0x0b, // end of function
  ];
  moduleBytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vec([[0x60, ...vec(new Array(6).fill([I32])), 0]])), // (i32 x 6) -> ()
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x00, 0x01]])), // memory, min 1
    ...section(3, vec([[0]])), // one function of type 0
    ...section(7, vec([[...name("scores"), 0x00, 0x00]])), // exported as "scores"
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
  return moduleBytes;
}
