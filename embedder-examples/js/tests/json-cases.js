// JSON.parse and JSON.stringify cases for tests/json.sh; the expected
// output (json-cases.out) is what Node 20 prints.
function show(label, v) { print(label + ": " + JSON.stringify(v)); }
function roundtrip(label, text) {
  var once = JSON.stringify(JSON.parse(text));
  var twice = JSON.stringify(JSON.parse(once));
  print(label + ": " + once + (once === twice ? " (stable)" : " (UNSTABLE)"));
}

// nested structures
roundtrip("nested", '{"a":[1,[2,[3,{"b":[]}]]],"c":{"d":{"e":{}}},"f":[{},[],""]}');
roundtrip("whitespace", ' \t\r\n{ "a" :\n[ 1 , 2 ]\t, "b" : { } } \n');
roundtrip("literals", '[true,false,null,0,-0,"",[null]]');
roundtrip("duplicate keys", '{"a":1,"b":2,"a":3}');
roundtrip("many keys", '{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11}');

// escapes
roundtrip("escapes", '"quote\\" backslash\\\\ slash\\/ b\\b f\\f n\\n r\\r t\\t"');
show("control characters", "\u0001\u001f\u007f");
show("escaped key", JSON.parse('{"a\\nb":1,"\\"q\\"":2}'));
var s = JSON.parse('"\\u0041\\u00e9\\u4e2d\\ud83d\\ude00"');
print("unicode escapes: length " + s.length + " codes " + s.charCodeAt(0) + " " + s.charCodeAt(1) +
      " " + s.charCodeAt(2) + " " + s.charCodeAt(3) + " " + s.charCodeAt(4));
show("surrogate pair", s);
show("lone surrogates", JSON.parse('["\\ud800","\\udfff","a\\ud83db"]'));
print("non-ASCII text: " + JSON.parse('"h\u00e9llo \u4e16\u754c"'));

// numbers
roundtrip("integers", '[0,1,-1,2147483647,2147483648,-2147483649,9007199254740993,123456789012345678]');
roundtrip("fractions", '[0.5,-0.25,3.14159,0.1,1e-7,1.5e-7,0.000001]');
roundtrip("exponents", '[1e21,1E21,1e+21,2.5e-10,1e300,1e-300,5e-324,1.7976931348623157e308]');
roundtrip("big and small", '[100000000000000000000,1000000000000000000000,123e18,0.0000001]');
show("non-finite", [1 / 0, -1 / 0, 0 / 0]);
show("computed", [0.1 + 0.2, 1 / 3, 2 / 3, 100 / 7, -1e-7 * 3]);
print("parsed numbers: " + JSON.parse("1e2") + " " + JSON.parse("-0.0") + " " + JSON.parse("12.50"));

// what stringify leaves out
show("undefined and functions", { a: undefined, b: function () {}, c: [undefined, print], d: 1 });
print("top-level undefined: " + typeof JSON.stringify(undefined));
show("scalars", ["s", 1, true, null]);
print("parse scalar: " + JSON.parse(' 42 ') + " " + JSON.parse('"x"') + " " + JSON.parse("null"));

// deep nesting, both ways
var depth = 3000;
var deep = [];
var cur = deep;
for (var i = 0; i < depth; i++) { var next = []; cur.push(next); cur = next; }
var text = JSON.stringify(deep);
print("deep arrays: " + text.length + " " + (JSON.stringify(JSON.parse(text)) === text));
var open = "", close = "";
for (var j = 0; j < depth; j++) { open += '{"k":'; close += "}"; }
var deepObj = JSON.parse(open + "1" + close);
var d = 0;
while (typeof deepObj === "object") { deepObj = deepObj.k; d++; }
print("deep objects: " + d + " " + deepObj);

// a big document: records like the benchmark's
var recs = [];
for (var r = 0; r < 2000; r++)
  recs.push({ id: r, name: "item_" + r, value: r * 3.14159, tags: ["t" + r % 3, "g"], nested: { x: r % 10, y: -r } });
var big = JSON.stringify(recs);
var back = JSON.parse(big);
print("records: " + big.length + " " + (JSON.stringify(back) === big) + " " + back[1999].value + " " +
      back[7].nested.y);
