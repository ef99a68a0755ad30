// Runs each benchmark query with groq-js and prints {name: {result, times_ms}} as JSON.
// Usage: node run_groq_js.mjs <dataset.json> <queries.json> <repeats> [query name]
import {readFileSync} from 'node:fs'
import {performance} from 'node:perf_hooks'
import {parse, evaluate} from 'groq-js'

const [datasetPath, queriesPath, repeatsArg, only] = process.argv.slice(2)
const dataset = JSON.parse(readFileSync(datasetPath, 'utf8'))
const queries = JSON.parse(readFileSync(queriesPath, 'utf8'))
const repeats = Number(repeatsArg)
const out = {}
for (const {name, query, params} of queries) {
  if (only && name !== only) continue
  const times = []
  let result
  for (let i = 0; i < repeats; i++) {
    const start = performance.now()
    const tree = parse(query, {params})
    const value = await evaluate(tree, {dataset, params})
    result = await value.get()
    times.push(performance.now() - start)
  }
  out[name] = {result, times_ms: times}
}
process.stdout.write(JSON.stringify(out))
