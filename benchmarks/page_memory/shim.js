import { loadPyodide as realLoad } from "%(real)s";
export * from "%(real)s";

const bench = (self.__bench = { memories: [], pyodide: null, tracemalloc: %(tracemalloc)s });
const SHIM_URL = import.meta.url;
function owner() {
  const frames = (new Error().stack || "").split("\n").slice(1);
  const frame = frames.find((f) => !f.includes(SHIM_URL + ":")) || "";
  if (frame.includes("/ort-")) return "onnxruntime-web";
  if (frame.includes("/pyodide-")) return "pyodide";
  if (frame.includes("embed_search")) return "vector scorer";
  return frame.trim() || "unknown";
}
function remember(memory, who) {
  if (memory instanceof NativeMemory && !bench.memories.some((m) => m.memory === memory)) {
    bench.memories.push({ owner: who, memory });
  }
}
const NativeMemory = WebAssembly.Memory;
function Memory(descriptor) {
  const memory = new NativeMemory(descriptor);
  remember(memory, owner());
  return memory;
}
Memory.prototype = NativeMemory.prototype;
WebAssembly.Memory = Memory;
const exported = (instance, who) => {
  for (const value of Object.values(instance.exports)) remember(value, who);
};
const realInstantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async function (...args) {
  const who = owner();
  const result = await realInstantiate.apply(this, args);
  exported(result.instance ?? result, who);
  return result;
};
const realStreaming = WebAssembly.instantiateStreaming;
WebAssembly.instantiateStreaming = async function (...args) {
  const who = owner();
  const result = await realStreaming.apply(this, args);
  exported(result.instance, who);
  return result;
};

export async function loadPyodide(options) {
  const pyodide = await realLoad(options);
  bench.pyodide = pyodide;
  const heap = pyodide._module?.wasmMemory;
  if (heap) remember(heap, "pyodide");
  if (bench.tracemalloc) pyodide.runPython("import tracemalloc; tracemalloc.start()");
  return pyodide;
}

// Where the last non-zero byte is: pages above it were never written (a fresh page reads as
// zero), so this is the memory's touched high-water mark, not its reserved size.
function touched(memory) {
  const words = new Uint32Array(memory.buffer);
  let i = words.length - 1;
  while (i >= 0 && words[i] === 0) i--;
  return ((i + 1) * 4) / 2 ** 20;
}

bench.sizes = () => bench.memories.map(({ owner, memory }) => ({
  owner,
  mb: memory.buffer.byteLength / 2 ** 20,
  touched_mb: touched(memory),
  shared: typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer,
}));
