([deep, top]) => {
  const py = self.__bench.pyodide;
  if (!self.__bench.accounting) {
    py.runPython(PY_SOURCE);
    self.__bench.accounting = py.globals.get("_bench_accounting");
  }
  // The C heap inside Pyodide's memory (Python's objects and everything else malloc holds):
  // dlmalloc's mallinfo, returned through a pointer (arena, ..., uordblks, fordblks, ...).
  const m = py._module;
  let malloc = null;
  if (m?._mallinfo && m._malloc) {
    const at = m._malloc(64);
    m._mallinfo(at);
    const f = new Uint32Array(m.HEAPU8.buffer, at, 10).slice();
    m._free(at);
    malloc = { arena_mb: f[0] / 2 ** 20, used_mb: f[7] / 2 ** 20, free_mb: f[8] / 2 ** 20 };
    // The program break: everything below it has been touched at some point (the memory's
    // size above it is growth headroom the system has not had to back with pages yet).
    if (m._sbrk) malloc.break_mb = (m._sbrk(0) >>> 0) / 2 ** 20;
  }
  const python = JSON.parse(self.__bench.accounting(deep, top));
  return { wasm: self.__bench.sizes(), python: { ...python, malloc } };
}
