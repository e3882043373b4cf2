// What the Node.js stacks of the interop suite (node-soap, strong-soap) share: the journey of
// tests/interop/README.md (its steps, arguments and checks), polling a task, and the entry point.
//
// The client itself stays in each stack's own journey.js, written in that stack's idioms: it
// builds its client from the WSDL and hands over `call(op, args)`, one call of operation `op`
// with a plain object of named arguments (optional ones simply left out), resolving to what
// the stack answers ({return: {...}} for every operation here).
//
// Usage, from a stack's journey.js: require('../node/journey-steps').run(version, stack, connect),
// where connect(wsdlUrl) resolves to that `call`. Prints "version: ...", one line per step,
// then "journey: OK"; a failed check prints what it expected and what came, and exits 1.
'use strict';

const crypto = require('crypto');

const MAX_POLLS = 50;
const UNKNOWN_TASK_ID = 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ';

class CheckFailed extends Error {}

function check(what, expected, got) {
  if (got !== expected) {
    throw new CheckFailed(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
  }
}

function checkTrue(what, cond, expected, got) {
  if (!cond) throw new CheckFailed(`${what}: expected ${expected}, got ${JSON.stringify(got)}`);
}

function randomLetters(n) {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + crypto.randomInt(26));
  return s;
}

// The stack's call, checked: every operation answers {return: {...}}, which it resolves to.
function answering(call) {
  return async (op, args) => {
    const result = await call(op, args);
    checkTrue(`${op}: answer`, result && result.return, 'an object with a return element', result);
    return result.return;
  };
}

async function startTask(call, op, args) {
  const r = await call(op, args);
  check(`${op}: requestStatus`, 'SUCCESS', r.requestStatus);
  checkTrue(`${op}: taskId is 26 characters`, typeof r.taskId === 'string' && r.taskId.length === 26,
    'a 26-character taskId', r.taskId);
  return r.taskId;
}

// Polls getTaskStatus until the status starts with FINISHED (tasks move one status per poll).
async function pollTask(call, what, taskId) {
  let st;
  for (let i = 0; i < MAX_POLLS; i++) {
    st = await call('getTaskStatus', { taskId });
    check(`${what}: getTaskStatus requestStatus`, 'SUCCESS', st.requestStatus);
    if (String(st.status || '').startsWith('FINISHED')) return st;
  }
  throw new CheckFailed(`${what}: task ${taskId} to finish within ${MAX_POLLS} polls: expected a FINISHED status, got ${JSON.stringify(st.status)}`);
}

async function runTask(call, op, args, type) {
  const taskId = await startTask(call, op, args);
  const st = await pollTask(call, op, taskId);
  check(`${op}: final status`, 'FINISHED_OK', st.status);
  check(`${op}: task type`, type, st.type);
  return `task ${taskId} -> ${st.status} (${st.type})`;
}

// The journey's eight steps, through `call`; `stack` names the new user and the transfer.
async function journey(stack, call) {
  const user = `${stack}_` + randomLetters(8);

  // 1. startRegister, merchantData left out (not a merchant).
  let done = await runTask(call, 'startRegister', {
    billonUserName: user,
    billonUserPassword: 'interop-pw',
    userIPEchoice: 'PLUS_BANK_PRODUCTION',
    userARchoice: 'PLUS_BANK_PRODUCTION',
    recoveryEmail1: 'a@example.com',
    recoveryEmail2: 'b@example.com',
  }, 'REGISTER');
  console.log(`1. startRegister ${user}: ${done}`);

  // 2. startLogin as the seeded test user.
  done = await runTask(call, 'startLogin',
    { billonUserName: 'test_user', billonUserPassword: 'test_password' }, 'LOGIN');
  console.log(`2. startLogin test_user: ${done}`);

  // 3. hello (no arguments).
  const h = await call('hello', {});
  check('hello: requestStatus', 'SUCCESS', h.requestStatus);
  check('hello: username', 'test_user', h.username);
  console.log(`3. hello: status=${h.status} username=${h.username}`);

  // 4. getMoneyStatus (no arguments).
  let m = await call('getMoneyStatus', {});
  check('getMoneyStatus: requestStatus', 'SUCCESS', m.requestStatus);
  check('getMoneyStatus: freeBalance.amount', '1000000', String(m.freeBalance.amount));
  check('getMoneyStatus: freeBalance.currency', 'PLN', m.freeBalance.currency);
  // A repeated element comes as an array, or as a single object when there is one.
  const balances = [].concat((m.balances && m.balances.item) || []);
  checkTrue('getMoneyStatus: balances', balances.length >= 1, 'at least one item', m.balances);
  console.log(`4. getMoneyStatus: free ${m.freeBalance.amount} ${m.freeBalance.currency}, ${balances.length} balance(s)`);

  // 5. giveMoneyRequest to the new user; peerLocation, seriesId and description left out.
  done = await runTask(call, 'giveMoneyRequest', {
    uniqueTransferId: `${stack}-` + randomLetters(16),
    type: 'GIVE_MONEY',
    amount: { amount: 1500, currency: 'PLN', colour: 0 },
    username: user,
    shortDescription: 'interop',
  }, 'GIVE_MONEY');
  console.log(`5. giveMoneyRequest 1500 PLN to ${user}: ${done}`);

  // 6. getMoneyStatus again.
  m = await call('getMoneyStatus', {});
  check('getMoneyStatus (after transfer): requestStatus', 'SUCCESS', m.requestStatus);
  check('getMoneyStatus (after transfer): freeBalance.amount', '998500', String(m.freeBalance.amount));
  console.log(`6. getMoneyStatus: free ${m.freeBalance.amount} ${m.freeBalance.currency}`);

  // 7. getHistoryReport as CSV; filename, dates and flags left out.
  const r = await call('getHistoryReport', { format: 'CSV' });
  check('getHistoryReport: requestStatus', 'SUCCESS', r.requestStatus);
  checkTrue('getHistoryReport: history mentions the new user',
    typeof r.history === 'string' && r.history.includes(user), `a history containing ${user}`, r.history);
  console.log(`7. getHistoryReport CSV: ${r.history.split('\n').length} line(s), mentions ${user}`);

  // 8. getTaskStatus of an unknown, well-formed id.
  const st = await call('getTaskStatus', { taskId: UNKNOWN_TASK_ID });
  check('getTaskStatus (unknown id): requestStatus', 'ERR_TASK_DOES_NOT_EXIST', st.requestStatus);
  console.log(`8. getTaskStatus ${UNKNOWN_TASK_ID}: ${st.requestStatus}`);
}

// Entry point: node journey.js WSDL_URL. `connect(wsdlUrl)` resolves to the stack's call(op, args).
async function run(version, stack, connect) {
  console.log('version: ' + version);
  try {
    const call = await connect(process.argv[2]);
    await journey(stack, answering(call));
  } catch (e) {
    if (e instanceof CheckFailed) console.log('FAIL: ' + e.message);
    else console.log(`FAIL: unexpected ${e && e.name}: ${e && e.message}`);
    process.exit(1);
  }
  console.log('journey: OK');
}

module.exports = { run };
