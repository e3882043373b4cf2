// Interop journey: drive cnode-emulator with Node.js strong-soap, the way its README teaches:
// soap.createClient(wsdlUrl, options, callback), then client.<operation>(args, callback), where the
// callback gets (err, result, envelope). Optional arguments are simply left out of args. The
// journey's steps and checks are shared with node-soap: ../node/journey-steps.js.
//
// Usage: NODE_PATH=<prefix>/node_modules node journey.js http://127.0.0.1:PORT/?wsdl
// Prints "version: ...", one line per step, then "journey: OK"; a failed check prints what it
// expected and what came, and exits 1.
'use strict';

const soap = require('strong-soap').soap;
const steps = require('../node/journey-steps');

function connect(wsdlUrl) {
  return new Promise((resolve, reject) => {
    soap.createClient(wsdlUrl, {}, (err, client) => {
      if (err) return reject(err);
      // One call, client.<op>(args, callback).
      resolve((op, args) => new Promise((done, failed) => {
        client[op](args, (err, result) => (err ? failed(err) : done(result)));
      }));
    });
  });
}

steps.run('strong-soap ' + require('strong-soap/package.json').version, 'strong-soap', connect);
