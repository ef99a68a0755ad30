// The per-token hot path of the Python decode loop (app/model/onnx_web.py), in JavaScript: one
// call per token instead of one Pyodide FFI round trip per tensor (60 KV tensors, 3 id
// tensors, the feeds object), which cost more than the model's own run() overhead.

const inbox = new MessageChannel();
/** @type {Array<(value: undefined) => void>} */
const waiting = [];
inbox.port1.onmessage = () => waiting.shift()?.(undefined);

/**
 * Resolve in a later task, after messages already queued (a Stop from the page) were handled:
 * onnxruntime-web settles run() through microtasks, so a decode loop would otherwise not let
 * the worker read its inbox. One long-lived channel: creating one per token costs more.
 * @returns {Promise<undefined>}
 */
const nextTask = () =>
  new Promise((resolve) => {
    waiting.push(resolve);
    inbox.port2.postMessage(null);
  });

/**
 * One forward pass of a KV-cached decoder: yields to queued messages first, feeds `ids` at
 * positions start.., and moves each `present.*` output into `feeds` as the next `past_*` input.
 * @param {any} ort the onnxruntime-web module (for its Tensor class)
 * @param {any} session an InferenceSession
 * @param {Record<string, any>} feeds the KV-cache inputs by name; updated in place
 * @param {string[][]} pairs [past input name, present output name] for each cache tensor
 * @param {string[]} fetches the outputs to fetch (scores and every present output)
 * @param {ArrayLike<number>} ids the token ids to feed
 * @param {number} start how many positions the cache holds
 * @returns {Promise<Record<string, any>>} the fetched outputs, by name
 */
export async function decodeStep(ort, session, feeds, pairs, fetches, ids, start) {
  await nextTask();
  const n = ids.length;
  const positions = new BigInt64Array(n);
  for (let k = 0; k < n; k++) positions[k] = BigInt(start + k);
  feeds.input_ids = new ort.Tensor("int64", BigInt64Array.from(ids, BigInt), [1, n]);
  feeds.attention_mask = new ort.Tensor("int64", new BigInt64Array(start + n).fill(1n), [1, start + n]);
  feeds.position_ids = new ort.Tensor("int64", positions, [1, n]);
  const out = await session.run(feeds, fetches);
  for (const [past, present] of pairs) feeds[past] = out[present];
  return out;
}
