// 离线核验: the pass verifier of passes/qr/verify.py, in the browser, for a checkpoint with no network.
// Same checklist, same order, same stable reason codes; the trust comes from the snapshot served by
// GET /api/v1/passes/offline-trust (the signed trust bundle, opened by the server). No dependencies:
// Base45 (RFC 9285), zlib via DecompressionStream, a small CBOR decoder, COSE_Sign1 and WebCrypto ES256.
(function (global) {
  "use strict";

  var PASS_CLAIM = -70001, CWT_ISS = 1, CWT_EXP = 4, CWT_NBF = 5, CWT_IAT = 6;
  var HEADER_ALG = 1, HEADER_KID = 4, TAG_SIGN1 = 18, TAG_CWT = 61;
  var B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

  // A failure with a stable reason code (a limit on crafted input); other errors mean "bad_cose" or the
  // step's own reason.
  function Refused(reason, message) { this.reason = reason; this.message = message; }

  // ---- Base45 (RFC 9285 §4: reject characters outside the alphabet, a lone last character, big groups)
  function b45decode(text) {
    var values = new Array(text.length);
    for (var i = 0; i < text.length; i++) {
      var v = B45.indexOf(text.charAt(i));
      if (v < 0) { throw new Error("character outside the Base45 alphabet"); }
      values[i] = v;
    }
    var chunks = Math.floor(values.length / 3), rest = values.length % 3;
    if (rest === 1) { throw new Error("length leaves a single character"); }
    var out = new Uint8Array(2 * chunks + (rest === 2 ? 1 : 0));
    for (var c = 0; c < chunks; c++) {
      var n = values[3 * c] + 45 * values[3 * c + 1] + 2025 * values[3 * c + 2];
      if (n > 0xffff) { throw new Error("a three-character group exceeds 65535"); }
      out[2 * c] = n >> 8;
      out[2 * c + 1] = n & 0xff;
    }
    if (rest === 2) {
      var last = values[values.length - 2] + 45 * values[values.length - 1];
      if (last > 0xff) { throw new Error("the final two-character group exceeds 255"); }
      out[out.length - 1] = last;
    }
    return out;
  }

  // ---- zlib inflate with a size cap (a zip bomb must not hang the lane); truncation and junk fail
  async function inflate(data, cap) {
    var stream = new global.DecompressionStream("deflate");
    var writer = stream.writable.getWriter();
    writer.write(data).catch(function () {});
    writer.close().catch(function () {});
    var reader = stream.readable.getReader();
    var parts = [], total = 0;
    for (;;) {
      var step = await reader.read();
      if (step.done) { break; }
      total += step.value.length;
      if (total > cap) {
        reader.cancel().catch(function () {});
        throw new Refused("payload_too_large", "decompressed data exceeds the cap");
      }
      parts.push(step.value);
    }
    var out = new Uint8Array(total), at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  // ---- CBOR (RFC 8949), bounded exactly as passes/qr/cbor.py: the same limits in the same order, so both
  // give the same reason for the same QR. Ints stay numbers (BigInt past 2^53); floats are wrapped so that
  // an integer-only field (alg, cc) can tell 1 from 1.0 as Python's `type(x) is int` does.
  function CborFloat(value) { this.value = value; }
  function CborTag(tag, value) { this.tag = tag; this.value = value; }
  function CborSimple(value) { this.value = value; }
  var BREAK = {};
  // ignoreBOM: keep a leading U+FEFF as Python does ("\ufeff440000" is not the province 44).
  var utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

  function Decoder(bytes, limits) {
    this.b = bytes;
    this.p = 0;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.limits = limits;
  }
  Decoder.prototype.need = function (n) {
    if (this.p + n > this.b.length) { throw new Error("CBOR data ends early"); }
  };
  Decoder.prototype.arg = function (info) {
    var v, p = this.p;
    if (info < 24) { return info; }
    if (info === 24) { this.need(1); this.p += 1; return this.b[p]; }
    if (info === 25) { this.need(2); this.p += 2; return this.view.getUint16(p); }
    if (info === 26) { this.need(4); this.p += 4; return this.view.getUint32(p); }
    if (info === 27) {
      this.need(8); this.p += 8;
      v = this.view.getBigUint64(p);
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    if (info === 31) { return -1; }
    throw new Error("reserved CBOR additional information");
  };
  Decoder.prototype.count = function (n) {
    if (n > this.limits.max_items) { throw new Refused("cbor_too_long", "CBOR array or map has too many entries"); }
  };
  Decoder.prototype.string = function (major, n) {
    if (this.limits.max_string !== null && n > this.limits.max_string) {
      throw new Refused("cbor_too_long", "CBOR string too long");
    }
    this.need(n);
    var out = this.b.slice(this.p, this.p + n);
    this.p += n;
    return major === 2 ? out : utf8.decode(out);
  };
  // An indefinite-length string: definite strings of the same type up to a break (RFC 8949 §3.2.3).
  Decoder.prototype.chunks = function (major) {
    var parts = [], total = 0;
    for (;;) {
      this.need(1);
      var initial = this.b[this.p++];
      if (initial === 0xff) { break; }
      if (initial >> 5 !== major || (initial & 31) > 27) { throw new Error("bad chunk in an indefinite-length string"); }
      var n = this.arg(initial & 31);
      if (typeof n === "bigint") { n = Infinity; }
      total += n;
      if (this.limits.max_string !== null && total > this.limits.max_string) {
        throw new Refused("cbor_too_long", "CBOR string too long");
      }
      parts.push(this.string(major, n));
    }
    if (major === 3) { return parts.join(""); }
    var out = new Uint8Array(total), at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  };
  // `chain`: only tags enclose this item (the COSE and CWT tags may wrap the root, nothing else).
  Decoder.prototype.item = function (depth, chain) {
    if (depth > this.limits.max_depth) { throw new Refused("cbor_too_deep", "CBOR nested too deeply"); }
    this.need(1);
    var initial = this.b[this.p++], major = initial >> 5, info = initial & 31, n, out, entries;
    if (major === 7) { return this.simple(info); }
    n = this.arg(info);
    switch (major) {
      case 0:
        if (n === -1) { throw new Error("indefinite integer"); }
        return n;
      case 1:
        if (n === -1) { throw new Error("indefinite integer"); }
        return typeof n === "bigint" ? -1n - n : -1 - n;
      case 2:
      case 3:
        if (n === -1) { return this.chunks(major); }
        return this.string(major, typeof n === "bigint" ? Infinity : n);
      case 4:
        this.count(n);
        out = [];
        for (;;) {
          if (n !== -1 && out.length === n) { return out; }
          var element = this.item(depth + 1, false);
          if (element === BREAK) { if (n === -1) { return out; } throw new Error("unexpected break"); }
          out.push(element);
          if (n === -1) { this.count(out.length); }
        }
      case 5:
        this.count(n);
        out = new Map();
        entries = 0;
        for (;;) {
          if (n !== -1 && entries === n) { return out; }
          var key = this.item(depth + 1, false);
          if (key === BREAK) { if (n === -1) { return out; } throw new Error("unexpected break"); }
          if (Array.isArray(key) || key instanceof Map) { throw new Error("a map key must be a scalar"); }
          var value = this.item(depth + 1, false);
          if (value === BREAK) { throw new Error("unexpected break"); }
          out.set(key, value);
          entries += 1;
          if (n === -1) { this.count(entries); }
        }
      default:
        if (n === -1) { throw new Error("indefinite tag"); }
        if (n === 2 || n === 3) { throw new Refused("cbor_int_too_large", "integers beyond 64 bits are not accepted"); }
        if (!chain || this.limits.root_tags.indexOf(n) < 0) {
          throw new Refused("cbor_tag_not_allowed", "CBOR tag " + n + " is not accepted here");
        }
        var tagged = this.item(depth + 1, true);
        if (tagged === BREAK) { throw new Error("unexpected break"); }
        return new CborTag(n, tagged);
    }
  };
  Decoder.prototype.simple = function (info) {
    var p = this.p;
    if (info === 20) { return false; }
    if (info === 21) { return true; }
    if (info === 22) { return null; }
    if (info === 23) { return undefined; }
    if (info < 20) { return new CborSimple(info); }
    if (info === 24) { this.need(1); this.p += 1; return new CborSimple(this.b[p]); }
    if (info === 25) { this.need(2); this.p += 2; return new CborFloat(halfFloat(this.view.getUint16(p))); }
    if (info === 26) { this.need(4); this.p += 4; return new CborFloat(this.view.getFloat32(p)); }
    if (info === 27) { this.need(8); this.p += 8; return new CborFloat(this.view.getFloat64(p)); }
    if (info === 31) { return BREAK; }
    throw new Error("reserved CBOR simple value");
  };

  function halfFloat(h) {
    var exp = (h >> 10) & 0x1f, mant = h & 0x3ff, sign = h & 0x8000 ? -1 : 1;
    if (exp === 0) { return sign * Math.pow(2, -14) * (mant / 1024); }
    if (exp === 31) { return mant ? NaN : sign * Infinity; }
    return sign * Math.pow(2, exp - 15) * (1 + mant / 1024);
  }

  // cbor.loads reads the first item; with `whole` (the COSE message) nothing may follow it.
  function cborLoads(bytes, limits, whole) {
    var d = new Decoder(bytes, limits), value = d.item(0, true);
    if (value === BREAK) { throw new Error("unexpected break"); }
    if (whole && d.p !== bytes.length) { throw new Error("bytes after the CBOR item"); }
    return value;
  }

  // The claims and headers get the snapshot's limits; the message around them may hold long byte strings
  // (the payload) and the two tags that wrap a COSE_Sign1.
  function claimLimits(snapshot) {
    return { max_depth: snapshot.cbor_max_depth, max_items: snapshot.cbor_max_items,
      max_string: snapshot.cbor_max_string, root_tags: [] };
  }
  function messageLimits(snapshot) {
    var limits = claimLimits(snapshot);
    limits.max_string = null;
    limits.root_tags = [TAG_SIGN1, TAG_CWT];
    return limits;
  }

  function isInt(x) { return (typeof x === "number" && Number.isInteger(x)) || typeof x === "bigint"; }
  function isNumericDate(x) { return isInt(x) || (x instanceof CborFloat && Number.isFinite(x.value)); }
  function num(x) { return x instanceof CborFloat ? x.value : Number(x); }
  function isOne(x) { return x === 1 || x === true || (x instanceof CborFloat && x.value === 1); }
  function given(x) { return x !== undefined && x !== null; }

  // ---- COSE_Sign1 (RFC 9052), as cose.parse_sign1 reads it
  function parseSign1(raw, snapshot) {
    var message = cborLoads(raw, messageLimits(snapshot), true);
    if (message instanceof CborTag && num(message.tag) === TAG_CWT) { message = message.value; }
    if (message instanceof CborTag) {
      if (num(message.tag) !== TAG_SIGN1) { throw new Error("not COSE_Sign1"); }
      message = message.value;
    }
    if (!Array.isArray(message) || message.length !== 4) { throw new Error("COSE_Sign1 must have four items"); }
    var protectedBytes = message[0], unprotected = message[1], payload = message[2], signature = message[3];
    if (!(protectedBytes instanceof Uint8Array) || !(unprotected instanceof Map)) { throw new Error("bad headers"); }
    if (!(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) { throw new Error("bad payload"); }
    var header = protectedBytes.length ? cborLoads(protectedBytes, claimLimits(snapshot), false) : new Map();
    if (!(header instanceof Map)) { throw new Error("protected header must be a map"); }
    var alg = header.has(HEADER_ALG) ? header.get(HEADER_ALG) : unprotected.get(HEADER_ALG);
    var kid = given(header.get(HEADER_KID)) ? header.get(HEADER_KID) : unprotected.get(HEADER_KID);
    return { protectedBytes: protectedBytes, payload: payload, signature: signature, alg: alg, kid: kid };
  }

  function bstrHead(length) {
    if (length < 24) { return [0x40 | length]; }
    if (length < 0x100) { return [0x58, length]; }
    if (length < 0x10000) { return [0x59, length >> 8, length & 0xff]; }
    return [0x5a, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
  }

  // Sig_structure = ["Signature1", protected, external_aad = h'', payload] (RFC 9052 §4.4)
  function sigStructure(protectedBytes, payload) {
    var head = [0x84, 0x6a].concat(Array.from("Signature1", function (c) { return c.charCodeAt(0); }));
    var parts = [head, bstrHead(protectedBytes.length), protectedBytes, [0x40], bstrHead(payload.length), payload];
    var total = parts.reduce(function (s, p) { return s + p.length; }, 0);
    var out = new Uint8Array(total), at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  function hex(bytes) {
    return Array.from(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function fromBase64(text) {
    var s = atob(text), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) { out[i] = s.charCodeAt(i); }
    return out;
  }

  var keyCache = new Map();
  function publicKey(signer) {
    var cached = keyCache.get(signer.spki);
    if (!cached) {
      cached = global.crypto.subtle.importKey("spki", fromBase64(signer.spki),
        { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
      keyCache.set(signer.spki, cached);
    }
    return cached;
  }

  async function signatureGood(signer, message) {
    if (message.signature.length !== 64) { return false; }
    try {
      var key = await publicKey(signer);
      return await global.crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, message.signature,
        sigStructure(message.protectedBytes, message.payload));
    } catch (e) {
      return false;
    }
  }

  // ---- the claims, as codec.read_cwt, PassContent.from_cbor and the pass policy's claims_ok read them
  function readCwt(payload, snapshot) {
    var cwt = cborLoads(payload, claimLimits(snapshot), false);
    if (!(cwt instanceof Map)) { throw new Error("CWT claims must be a map"); }
    if (!isNumericDate(cwt.get(CWT_EXP)) || !isNumericDate(cwt.get(CWT_IAT))) { throw new Error("exp and iat"); }
    if (given(cwt.get(CWT_NBF)) && !isNumericDate(cwt.get(CWT_NBF))) { throw new Error("nbf must be numeric"); }
    return cwt;
  }

  function passContent(value) {
    if (!(value instanceof Map) || !isOne(value.get("v"))) { throw new Error("pass claim is not a version-1 map"); }
    var names = ["no", "pl", "pc", "o", "d", "cg", "cc", "cr"];
    names.forEach(function (k) { if (!value.has(k)) { throw new Error("pass claim field missing"); } });
    if (!names.slice(0, 6).every(function (k) { return typeof value.get(k) === "string"; }) || !isInt(value.get("cc"))) {
      throw new Error("pass claim fields have the wrong types");
    }
    var crew = value.get("cr");
    if (!Array.isArray(crew)) { throw new Error("pass claim crew must be a list"); }
    var members = crew.map(function (m) {
      if (!Array.isArray(m) || m.length !== 2 || typeof m[0] !== "string" || typeof m[1] !== "string") {
        throw new Error("crew entry must be [name, id_number]");
      }
      return { name: m[0], id_number: m[1] };
    });
    return {
      pass_no: value.get("no"), plate: value.get("pl"), plate_colour: value.get("pc"), origin: value.get("o"),
      destination: value.get("d"), cargo_category: value.get("cg"), crew_count: num(value.get("cc")), crew: members,
    };
  }

  function optionalContent(cwt) {
    if (!cwt.has(PASS_CLAIM)) { return null; }
    try { return passContent(cwt.get(PASS_CLAIM)); } catch (e) { return null; }
  }

  function claimsJson(cwt) {
    return { iss: cwt.get(CWT_ISS), iat: num(cwt.get(CWT_IAT)), exp: num(cwt.get(CWT_EXP)),
      nbf: given(cwt.get(CWT_NBF)) ? num(cwt.get(CWT_NBF)) : null };
  }

  function plateKey(plate) { return plate.replace(/[ \t·•-]/g, "").toUpperCase(); }

  async function passHash(passNo, size) {
    var digest = await global.crypto.subtle.digest("SHA-256", new TextEncoder().encode(passNo));
    return hex(new Uint8Array(digest).slice(0, size));
  }

  // ---- the checklist of verify.verify(); `now` in seconds since the epoch
  async function verify(qr, snapshot, options) {
    options = options || {};
    var now = options.now !== undefined ? options.now : Date.now() / 1000;
    var checks = [], result = { valid: false, reason: null, checks: checks, content: null, claims: null, kid: null };
    function deny(reason, payload) {
      result.reason = reason;
      if (payload) {
        try {
          var cwt = readCwt(payload, snapshot);
          result.content = optionalContent(cwt);
          result.claims = claimsJson(cwt);
        } catch (e) { /* what a forged payload claims is shown only when it can be read */ }
      }
      return result;
    }
    function step(name) { checks.push(name); }

    if (qr.indexOf(snapshot.prefix) !== 0) { return deny("bad_prefix"); }
    step("prefix");
    // Python counts code points; a JavaScript string's length counts UTF-16 units, never fewer.
    if (qr.length > snapshot.max_qr_chars && Array.from(qr).length > snapshot.max_qr_chars) {
      return deny("payload_too_large");
    }
    var compressed;
    try { compressed = b45decode(qr.slice(snapshot.prefix.length)); } catch (e) { return deny("bad_base45"); }
    step("base45");
    var raw;
    try {
      raw = await inflate(compressed, snapshot.max_decompressed);
    } catch (e) {
      return deny(e instanceof Refused ? e.reason : "bad_compression");
    }
    step("compression");
    var message;
    try { message = parseSign1(raw, snapshot); } catch (e) { return deny(e instanceof Refused ? e.reason : "bad_cose"); }
    var alg = message.alg, kid = message.kid;
    if (!(typeof alg === "number" && Number.isInteger(alg) && snapshot.algorithms.indexOf(alg) >= 0)) {
      return deny("bad_cose");
    }
    if (given(kid) && !(kid instanceof Uint8Array)) { return deny("bad_cose"); }
    step("cose");

    result.kid = given(kid) ? hex(kid) : null;
    if (now - snapshot.issued_at > snapshot.max_age_seconds) { return deny("trust_stale", message.payload); }
    step("trust_fresh");
    var signer = result.kid === null ? null : snapshot.signers.find(function (s) { return s.kid === result.kid; });
    if (!signer) { return deny("unknown_kid", message.payload); }
    step("kid");
    if (!(await signatureGood(signer, message))) { return deny("bad_signature", message.payload); }
    step("signature");

    var cwt;
    try {
      cwt = readCwt(message.payload, snapshot);
      result.content = passContent(cwt.get(PASS_CLAIM));
      if (typeof cwt.get(CWT_ISS) !== "string" || !cwt.has(CWT_NBF)) { throw new Error("not the pass profile"); }
    } catch (e) {
      result.content = null;
      return deny(e instanceof Refused ? e.reason : "bad_cose");
    }
    result.claims = claimsJson(cwt);
    step("claims");

    if (snapshot.revoked_kids.indexOf(result.kid) >= 0) { return deny("revoked_key"); }
    step("key_not_revoked");
    var slack = snapshot.clock_skew_seconds, nbf = cwt.get(CWT_NBF);
    if (now + slack < num(cwt.get(CWT_IAT)) || (given(nbf) && now + slack < num(nbf))) { return deny("not_yet_valid"); }
    if (now >= num(cwt.get(CWT_EXP))) { return deny("expired"); }
    step("validity_period");
    if (!signer.may_sign_passes || !(signer.not_before <= now && now <= signer.not_after)) {
      return deny("key_not_allowed");
    }
    step("key_usage");
    // A province's key signs only its province's passes: the issuer and the number's area are its own.
    var province = signer.province, issuer = cwt.get(CWT_ISS);
    if (!province || issuer.slice(0, 2) !== province || result.content.pass_no.slice(0, 2) !== province) {
      return deny("wrong_province");
    }
    step("province");
    var revoked = snapshot.revoked_pass_hashes;
    if (revoked.length && revoked.indexOf(await passHash(result.content.pass_no, snapshot.revocation_hash_bytes)) >= 0) {
      return deny("revoked_pass");
    }
    step("pass_not_revoked");
    if (given(options.plate)) {
      if (plateKey(result.content.plate) !== plateKey(options.plate)) { return deny("plate_mismatch"); }
      step("plate");
    }
    result.valid = true;
    return result;
  }

  global.JiaoguanOffline = { verify: verify, b45decode: b45decode, cborLoads: cborLoads };
})(window);
