// Interop journey: drive cnode-emulator with Node.js `soap` (node-soap), the way its README teaches:
// soap.createClientAsync(wsdlUrl), then client.<operation>Async({ named arguments }).
// Optional arguments are simply left out of the argument object. The journey's steps and checks
// are shared with strong-soap: ../node/journey-steps.js.
//
// Usage: NODE_PATH=<prefix>/node_modules node journey.js http://127.0.0.1:PORT/?wsdl
// Prints "version: ...", one line per step, then "journey: OK"; a failed check prints what it
// expected and what came, and exits 1.
'use strict';

const soap = require('soap');
const steps = require('../node/journey-steps');

async function connect(wsdlUrl) {
  const client = await soap.createClientAsync(wsdlUrl);
  // The operation methods resolve to [result, rawResponse, soapHeader, rawRequest].
  return async (op, args) => {
    const [result] = await client[op + 'Async'](args);
    return result;
  };
}

steps.run('soap ' + require('soap/package.json').version, 'node-soap', connect);
