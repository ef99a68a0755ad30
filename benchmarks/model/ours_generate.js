// One greedy generation through the page's own request API, timing each streamed token.
async ([ids, tokens]) => {
  const stamps = [];
  const out = [];
  const t0 = performance.now();
  const result = await window.assistant.send(
    { type: "generate", prompt_ids: ids, max_tokens: tokens, greedy: true },
    (event) => {
      if (event.type !== "token") return;
      stamps.push(performance.now());
      out.push(event.token);
    },
  );
  return { t0, stamps, ids: out, stop: result.stop_reason };
}
