// json-roundtrip.js -- the JSON roundtrip of seed 000 (Perry's
// bench_json_roundtrip), as shared/workloads.md describes it: 10,000 records
// stringified into one blob, 3 warm-up rounds of parse + stringify, then 50
// timed rounds, each JSON.parse(blob) then JSON.stringify(result), keeping a
// checksum of the lengths.  Runs under kennel's js-NAME and under node (with
// `var print = console.log;` prepended); a wrong result ends the program
// with a runtime error (non-zero status).  kn-bench --cascade runs copies
// with the three `var NAME = N;` lines below set to other sizes.

var RECORDS = 10000;
var WARMUPS = 3;
var ITERATIONS = 50;

function makeRecords(n) {
  var records = [];
  for (var i = 0; i < n; i++) {
    records.push({
      id: i,
      name: "item_" + i,
      value: i * 3.14159,
      tags: ["tag_" + (i % 10), "group_" + (i % 7)],
      nested: { x: i % 100, y: i * 2 }
    });
  }
  return records;
}

function fail(message) {
  print("json-roundtrip: FAILED: " + message);
  json_roundtrip_failed(); // not defined: a runtime error, non-zero exit status
}

var blob = JSON.stringify(makeRecords(RECORDS));
var checksum = 0;
for (var w = 0; w < WARMUPS; w++) checksum += JSON.stringify(JSON.parse(blob)).length;

var start = Date.now();
var last = null;
for (var it = 0; it < ITERATIONS; it++) {
  last = JSON.parse(blob);
  checksum += JSON.stringify(last).length;
}
var elapsed = Date.now() - start;

if (checksum !== (WARMUPS + ITERATIONS) * blob.length) fail("checksum " + checksum);
var p1 = 1234 % RECORDS, p2 = 77 % RECORDS, p3 = 3 % RECORDS;
if (last.length !== RECORDS || last[RECORDS - 1].name !== "item_" + (RECORDS - 1) ||
    last[p1].tags[1] !== "group_" + (p1 % 7) || last[p2].nested.y !== p2 * 2 ||
    last[p3].value !== p3 * 3.14159)
  fail("records differ after the roundtrip");
if (JSON.stringify(last) !== blob) fail("the blob does not round-trip");

print("json-roundtrip: " + RECORDS + " records, " + blob.length + " bytes of JSON, " +
      ITERATIONS + " iterations: " + elapsed + " ms (" + (elapsed / ITERATIONS) +
      " ms/iteration), checksum " + checksum);
