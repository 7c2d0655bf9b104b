// A real Bluesky PDS and its PLC directory, both on 127.0.0.1, for Second Look's integration tests.
//
//   node tests/support/pds/server.mjs [--pds-port N] [--plc-port N] [--stop-on-stdin-eof]
//
// Ports also come from PDS_PORT / PLC_PORT; 0 or unset picks a free one. Data lives in a fresh temporary
// folder that is removed on exit. When both servers answer their health checks, one JSON line goes to
// stdout: {"pds": "http://127.0.0.1:PORT", "plc": "http://127.0.0.1:PORT", "admin_password": "...",
// "jwt_secret": "...", "handle_domain": ".test"}. The secrets are fresh for each run and let tests use the
// admin API or mint an already-expired access token to see the server's real ExpiredToken answer. SIGTERM or SIGINT (and, with --stop-on-stdin-eof, the parent closing
// stdin) shuts both down. Everything else (logs, errors) goes to stderr.

import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import process from 'node:process'

import pdsPackage from '@atproto/pds'
import plcPackage from '@did-plc/server'

const { PDS, envToCfg, envToSecrets } = pdsPackage
const { PlcServer, Database: PlcDatabase } = plcPackage
const HOST = '127.0.0.1'

function option(name, envName) {
  const at = process.argv.indexOf(name)
  const value = at >= 0 ? process.argv[at + 1] : process.env[envName]
  if (value === undefined || value === '') return 0
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name}: not a port: ${value}`)
  return port
}

async function freePort() {
  const server = net.createServer()
  server.listen(0, HOST)
  await new Promise((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

// Both servers call `app.listen(port)`, which binds every interface. Make them bind loopback only.
function bindLoopback(app) {
  const listen = app.listen.bind(app)
  app.listen = (port, ...rest) => listen(port, HOST, ...rest.filter((arg) => typeof arg === 'function'))
}

async function healthy(url) {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const response = await fetch(url)
      if (response.ok) return
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`no healthy answer from ${url}`)
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'secondlook-pds-'))
let plc
let pds
let stopping = false

async function stop(code) {
  if (stopping) return
  stopping = true
  try {
    await pds?.destroy()
  } catch (error) {
    console.error('pds shutdown:', error)
  }
  try {
    await plc?.destroy()
  } catch (error) {
    console.error('plc shutdown:', error)
  }
  fs.rmSync(dataDir, { recursive: true, force: true })
  process.exit(code)
}

process.on('SIGTERM', () => stop(0))
process.on('SIGINT', () => stop(0))
if (process.argv.includes('--stop-on-stdin-eof')) {
  process.stdin.on('end', () => stop(0))
  process.stdin.on('error', () => stop(0))
  process.stdin.resume()
}

try {
  const plcPort = option('--plc-port', 'PLC_PORT') || (await freePort())
  const pdsPort = option('--pds-port', 'PDS_PORT') || (await freePort())
  const plcUrl = `http://${HOST}:${plcPort}`
  const pdsUrl = `http://${HOST}:${pdsPort}`

  plc = PlcServer.create({ db: PlcDatabase.mock(), port: plcPort })
  bindLoopback(plc.app)
  await plc.start()

  const rotationKey = crypto.createECDH('secp256k1')
  rotationKey.generateKeys()
  const adminPassword = crypto.randomBytes(16).toString('hex')
  const jwtSecret = crypto.randomBytes(32).toString('hex')
  const env = {
    port: pdsPort,
    hostname: 'localhost', // handles end in .test; the public URL is http://localhost:PORT
    devMode: true,
    inviteRequired: false,
    dataDirectory: dataDir,
    blobstoreDiskLocation: path.join(dataDir, 'blobs'),
    didPlcUrl: plcUrl,
    jwtSecret,
    adminPassword,
    plcRotationKeyK256PrivateKeyHex: rotationKey.getPrivateKey('hex').padStart(64, '0'),
    version: '0.0.0-secondlook-test',
  }
  pds = await PDS.create(envToCfg(env), envToSecrets(env))
  bindLoopback(pds.app)
  await pds.start()

  await healthy(`${plcUrl}/_health`)
  await healthy(`${pdsUrl}/xrpc/_health`)
  process.stdout.write(
    JSON.stringify({
      pds: pdsUrl,
      plc: plcUrl,
      admin_password: adminPassword,
      jwt_secret: jwtSecret,
      handle_domain: '.test',
    }) + '\n',
  )
} catch (error) {
  console.error('test PDS failed to start:', error)
  await stop(1)
}
