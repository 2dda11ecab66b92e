// The page's side of the supervisor board's numbering (web/static/board.js,
// BoardState), without a browser: a snapshot, then deltas applied, skipped
// or reported as a gap (docs/api.md, "The supervisor board").
//   node --test board_state.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { BoardState } from '../../web/static/board.js';

const snapshot = {
  seq: 10, day: '2026-11-27', service_level_s: 20,
  queues: [{ id: 'desk', waiting: [] }],
  agents: [{ login: 'dina', state: 'available' }, { login: 'olga', state: 'offline' }],
  departments: [{ department: 'desk', offered: 0 }],
};

test('without a board every delta is a gap', () => {
  const b = new BoardState();
  assert.equal(b.delta({ seq: 11, prev: 10 }), 'gap');
});

test('a delta whose prev the page holds is applied; its parts replace the page\'s', () => {
  const b = new BoardState();
  b.snapshot(snapshot);
  assert.equal(b.delta({ seq: 12, prev: 10, agents: [{ login: 'dina', state: 'paused' }] }), 'applied');
  assert.equal(b.seq, 12);
  assert.equal(b.agents.get('dina').state, 'paused');
  assert.equal(b.agents.get('olga').state, 'offline');
  assert.deepEqual([...b.agents.keys()], ['dina', 'olga']);  // order kept
  assert.equal(b.delta({ seq: 15, prev: 12, queues: [{ id: 'desk', waiting: [{ call: 'a' }] }],
    day: '2026-11-27', departments: [{ department: 'desk', offered: 1 }] }), 'applied');
  assert.equal(b.queues[0].waiting.length, 1);
  assert.equal(b.departments[0].offered, 1);
});

test('a delta from before a snapshot taken between deltas still applies', () => {
  const b = new BoardState();
  b.snapshot({ ...snapshot, seq: 13 });
  // prev 12 <= 13 < 15: it holds everything that changed after 13.
  assert.equal(b.delta({ seq: 15, prev: 12, agents: [{ login: 'olga', state: 'available' }] }), 'applied');
  assert.equal(b.seq, 15);
});

test('an old delta is skipped and a gap is reported, leaving the board alone', () => {
  const b = new BoardState();
  b.snapshot(snapshot);
  assert.equal(b.delta({ seq: 9, prev: 5, agents: [{ login: 'dina', state: 'ringing' }] }), 'old');
  assert.equal(b.delta({ seq: 10, prev: 8 }), 'old');
  assert.equal(b.agents.get('dina').state, 'available');
  assert.equal(b.delta({ seq: 14, prev: 11, agents: [{ login: 'dina', state: 'on_call' }] }), 'gap');
  assert.equal(b.seq, 10);
  assert.equal(b.agents.get('dina').state, 'available');
});
