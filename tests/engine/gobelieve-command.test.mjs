#!/usr/bin/env node
// The JS command writer of IMService (js/engine/gobelieve-command.js) against
// the Rust reader: it must write exactly tests/engine/gobelieve-command-fixture.hex,
// which the Rust test
// `engine::gobelieve::command::tests::the_fixture_written_by_the_js_writer_reads_as_these_commands`
// decodes (a setup, then one command per line), ids of every form included.
// Usage (repo root): node tests/engine/gobelieve-command.test.mjs
import fs from 'node:fs';
import {
  GOBELIEVE_SIGNAL_BACKGROUND, SETTING, encodeAddSuperGroup, encodeGobelieveSend, encodeGobelieveSetup, encodeGobelieveSignal, encodeRoom, encodeSet,
  encodeStart, encodeStop,
} from '../../js/engine/gobelieve-command.js';
import { runner } from '../support/node-env.mjs';

const path = new URL('./gobelieve-command-fixture.hex', import.meta.url);
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

// The values `fixture()` in src/engine/gobelieve/command_tests.rs expects.
// Each line is read at once: the commands share one buffer (a view is valid until the next).
const got = [
  hex(encodeGobelieveSetup(2 ** 53 - 1, [[SETTING.accessToken, 'tok\u00e9'], [SETTING.deviceID, 'dev'],
    [SETTING.syncKey, '9007199254740993'], [SETTING.ackTimeout, 1234.5], [SETTING.maxPending, 100000]])),
  hex(encodeStart('ws://127.0.0.1:13891/ws')),
  hex(encodeSet(SETTING.platformID, 1)),
  hex(encodeSet(SETTING.syncKey, 12n)),
  hex(encodeSet(SETTING.syncKey, null)),
  hex(encodeGobelieveSend('sendPeerMessage', { sender: 1, receiver: '9007199254740993', content: 'h\u00e9\u{1f600}', timestamp: 4294967295, msgLocalID: 7 })),
  hex(encodeGobelieveSend('sendGroupMessage', { sender: -(2 ** 53 - 1), receiver: 2 ** 52, content: 'g' })),
  hex(encodeGobelieveSend('sendCustomerMessage', { senderAppID: 7, sender: 8, receiverAppID: 9, receiver: -10, content: 'c' })),
  hex(encodeGobelieveSend('sendRTMessage', { sender: 1, receiver: 2, content: '', msgLocalID: 5 })),
  hex(encodeGobelieveSend('sendRoomMessage', { sender: ' +3 ', receiver: -9223372036854775808n, content: 'r' })),
  hex(encodeRoom(true, ' 5 ')),
  hex(encodeRoom(false, 5)),
  hex(encodeAddSuperGroup(3, undefined)),
  hex(encodeGobelieveSignal(GOBELIEVE_SIGNAL_BACKGROUND)),
  hex(encodeStop()),
];

if (process.env.IMSDK_WRITE_FIXTURES) fs.writeFileSync(path, got.join('\n') + '\n');
const want = fs.readFileSync(path, 'utf8').trim().split('\n');

const { test, summary } = runner();

await test('the JS writer writes the fixture the Rust reader decodes, line for line', () => {
  if (got.length !== want.length) throw new Error(got.length + ' lines vs ' + want.length);
  got.forEach((line, i) => {
    if (line !== want[i]) throw new Error('line ' + (i + 1) + ': ' + line + ' vs ' + want[i]);
  });
});

process.exit(summary());
