'use strict'
// bench-calls: the JS twin of dev.kongjava.bench.BenchPlugin ("bench-noop") for Kong's JS plugin
// server (kong-pdk 0.6.0): `calls` x kong.request.get_header("x-bench"), then exit 200 "ok".

class BenchCalls {
  constructor(config) {
    this.calls = config.calls || 0
  }

  async access(kong) {
    for (let i = 0; i < this.calls; i++) {
      await kong.request.getHeader('x-bench')
    }
    await kong.response.exit(200, 'ok')
  }
}

module.exports = {
  Plugin: BenchCalls,
  Name: 'bench-calls',
  Schema: [
    { calls: { type: 'integer', default: 0 } },
  ],
  Version: '1.0.0',
  Priority: 1000,
}
