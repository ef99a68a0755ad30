// Reading the language model's file: shared by the worker (web/worker.js, for
// app/model/onnx_web.py) and the bare onnxruntime-web loop of benchmarks/model_bench.py, so the
// benchmark loads the model exactly as the product does.

/**
 * The language model's file, read chunk by chunk into one buffer of its announced size, so that
 * it can be freed as soon as the onnxruntime session exists: after `arrayBuffer()` a whole-body
 * copy stayed alive past the load, ~0.1 GB more at the bare loop's peak. Without a byte count to
 * fill (a compressed response), the browser's way.
 * @param {string} url
 */
export async function fetchModelBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const size = Number(response.headers.get("Content-Length"));
  const encoded = (response.headers.get("Content-Encoding") ?? "identity") !== "identity";
  if (!size || encoded || !response.body) return new Uint8Array(await response.arrayBuffer());
  const bytes = new Uint8Array(size);
  let filled = 0;
  for (const reader = response.body.getReader(); ;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (filled + value.length > size) throw new Error("longer than announced");
    bytes.set(value, filled);
    filled += value.length;
  }
  return bytes.subarray(0, filled); // a short read fails in onnxruntime as a corrupt file
}
