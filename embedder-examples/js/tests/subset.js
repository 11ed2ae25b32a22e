// Features of the JS subset beyond what the corpus exercises; subset.out is
// what Node 20 prints (shared/corpus/run-node).
var fs = [];
for (let i = 0; i < 3; i++) fs.push(function () { return i; });
var gs = [];
for (var k = 0; k < 3; k++) gs.push(function () { return k; });
print("let per iteration:", fs[0](), fs[1](), fs[2](), "var shared:", gs[0](), gs[2]());
{
  let x = 1;
  const y = 2;
  var h = function () { return x + y; };
  x = 10;
}
print("block closure:", h());
var fact = function f(n) { return n <= 1 ? 1 : n * f(n - 1); };
print("named function expression:", fact(10), fact(20), fact(25));
print("hoisting:", hoisted(2), typeof later, typeof notDeclared);
function hoisted(n) { return n * 21; }
var later = 1;
function Point(x, y) { this.x = x; this.y = y; }
Point.prototype.norm1 = function () { return Math.abs(this.x) + Math.abs(this.y); };
var p = new Point(3, -4), q = new Point;
print("prototype method:", p.norm1(), q.x, typeof q, typeof Point);
print("numbers:", 1 / 3, 2 / 3, 1e21, 1e-7, 123e-20, -1e-7, 0.1 * 3, 5e-324);
print("more numbers:", 100 / 3 * 3, 4294967296 * 4294967296, -2147483648 - 1, 0.000001, 1e300 * 1e10, -1 / 0, 0 / 0);
print("int ops:", 7 >> 1, -7 >> 1, -7 >>> 28, 1 << 31, 5 & 3, 5 | 3, 5 ^ 3, ~5, ~-1, 2147483647 + 1 | 0);
print("mod:", 5.5 % 2, -5.5 % 2, 7 % -3, 1 / (-6 % 3));
print("loose:", 1 == "1", 0 == "", null == 0, undefined == null, "1,2" == [1, 2], true == 1, "b" > "a", "B" < "a", "10" < "9", 10 < 9);
print("strict:", 1 === 1.0, "a" === "a", NaN === NaN, null === null, [] === []);
print("concat:", "a" + 1 + 2, 1 + 2 + "a", "x" + [1, [2, 3]], "o" + {}, "n" + null, 1 + true, "u" + undefined);
print("typeof:", typeof 1, typeof "s", typeof true, typeof null, typeof undefined, typeof {}, typeof [], typeof print);
var s = "Hello, World";
print("strings:", s.length, s.charAt(4), s.charAt(99) === "", s.charCodeAt(7), s.indexOf("o"), s.indexOf("o", 5), s.indexOf("zz"));
print("slices:", s.slice(-5), s.slice(2, -3), s.substring(7), s.substring(5, 2), s.slice(5, 2) === "", s[0], s[100]);
print("fromCharCode:", String.fromCharCode(72, 105, 0x263a), String.fromCharCode(0xd83d, 0xde00).length);
var a = [3, 1, 2];
a[5] = 9;
print("arrays:", a.length, a[4], a.push(7, 8), a.pop(), a.length, a["1"], a.join("-"));
a.length = 2;
print("truncated:", a.length, a[2], a);
print("nested print:", [1, "two", [3, [4, [5, [6]]]], {k: "v", n: null}], {}, [], {a: {b: {c: {d: 1}}}});
var o = {};
o["key with space"] = 1;
o[42] = "num";
o.z = undefined;
print("object keys:", JSON.stringify(o), o[42], o["42"]);
var count = 0;
for (var i = 0, j = 10; i < j; i++, j--) count++;
var w = 0;
do { w += 2; } while (w < 7);
var outer = 0;
while (true) { outer++; if (outer > 3) break; else continue; }
print("loops:", count, w, outer, i, j);
print("conditional:", true ? "yes" : "no", 0 ? "yes" : "no", null || "default", 0 && "never", "" || 0 || null);
var u = 1;
u += 2; u -= 1; u *= 10; u /= 4; u %= 3; u <<= 4; u >>= 1; u |= 1; u &= 13; u ^= 6;
print("compound:", u);
var str = "x";
str += 1;
str += [2, 3];
print("string compound:", str);
var obj = {n: 1, arr: [1, 2]};
obj.n++; ++obj.n; obj.arr[0]--; obj["n"] += 5;
print("update members:", obj.n, obj.arr[0], obj.arr[1]++, obj.arr[1]);
print("math:", Math.floor(-1.5), Math.max(), Math.min(), Math.max(1, NaN), Math.abs(-0.5), Math.floor(7.9));
print("void and comma:", void 0, (1, 2, 3));
print("unicode:", "héllo wörld ✓ 😀", "😀".length, "\u00e9\x41\u{1F600}");
print("empty print follows");
print();
print("counter:", (function () { var c = 0; return function () { return ++c; }; })()());
function Counter() { this.n = 0; }
var c1 = new Counter(), c2 = new Counter();
c1.n++; c1.extra = true;
print("instances:", c1.n, c2.n, c1.extra, c2.extra, JSON.stringify(c1));
function returnsObject() { this.ignored = 1; return {replaced: true}; }
print("constructor result:", JSON.stringify(new returnsObject()));

// dictionary-mode objects (more than 64 properties), integer keys, prototypes
var dict = {};
for (var i = 0; i < 100; i++) dict["k" + (i * 7919 % 100)] = i;
dict[5] = "five"; dict["3"] = 3;
var t = JSON.stringify(dict);
var back = JSON.parse(t);
print(t.length, JSON.stringify(back) === t, back.k13, back[5], back["3"]);
print(t.slice(0, 60));
function F() { this.a = 1; }
F.prototype.get = function () { return this.a; };
var f = new F();
for (var j = 0; j < 80; j++) f["p" + j] = j;
print(f.get(), f.p79, f.a, typeof f.nothere);
var big = {};
for (var k = 0; k < 5000; k++) big["key" + k] = { v: k };
var sum = 0;
for (var k2 = 0; k2 < 5000; k2 += 3) sum += big["key" + k2].v;
print(sum, JSON.stringify(big).length, JSON.parse(JSON.stringify(big)).key4999.v);

// long strings built piece by piece (ropes), used as keys, compared, printed
var s = "";
for (var i = 0; i < 200000; i++) s += String.fromCharCode(97 + i % 26);
print(s.length, s.charAt(199999), s.slice(0, 5), s.indexOf("xyz"), s === s + "", (s + "!").length);
var t = "";
for (var j = 0; j < 50000; j++) t = j % 10 + t;
print(t.length, t.substring(0, 12), t < s, t == t.slice(0), JSON.stringify([t]).length, typeof t);
var o = {}; o[s.slice(0, 200) + "k"] = 1; var k = ""; for (var q = 0; q < 8; q++) k += s.slice(q * 25, q * 25 + 25); o[k + "k"]++;
print(o[s.slice(0, 200) + "k"], JSON.parse(JSON.stringify({v: t})).v.length, [s.slice(0, 3) + t.slice(0, 200)].join("").length);
