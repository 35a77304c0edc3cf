#!/usr/bin/env python3
"""Golden vectors for src/tee, computed independently of the C code from the formulas documented in
include/lcp/tee.h, src/tee/sim_seal.c, src/tee/sim_report.c and src/tee/gramine.c, with Python's hashlib/hmac and
the `cryptography` package's AES-GCM. Writes tests/vectors/tee/{measure,sealed,report}.txt.

Run from the project root: python3 tools/vectors/tee.py
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

OUT = "tests/vectors/tee/"

# The fixed test platform and enclave (tests/tee/tee_fixture.h holds the same values).
FUSE = bytes(range(32))
CPUSVN = bytes([2, 2, 2, 2, 3, 1, 0, 3] + [0] * 8)
MRENCLAVE = bytes([0x11]) * 32
MRSIGNER = bytes([0x22]) * 32
PRODID, ISVSVN = 1, 2
INIT, DEBUG, MODE64 = 1, 2, 4
XFRM, MISC = 3, 0
GRAMINE_KEY = bytes(range(0xa0, 0xb0))


def image(n):
    return bytes((i * 7 + 1) & 0xff for i in range(n))


def measure(img, prod, svn, debug):
    return hashlib.sha256(b"lcp-c sim MRENCLAVE v1" + struct.pack("<Q", len(img)) + img +
                          struct.pack("<HHB", prod, svn, 1 if debug else 0)).digest()


def keyrequest(policy, isvsvn, cpusvn, keyid, mask_flags=0xfffffffffffffff3, mask_xfrm=0, miscmask=0xf0000000,
               configsvn=0):
    kr = struct.pack("<HHHH", 4, policy, isvsvn, 0) + cpusvn + struct.pack("<QQ", mask_flags, mask_xfrm) + keyid
    kr += struct.pack("<IH", miscmask, configsvn)
    assert len(kr) == 78
    return kr + bytes(512 - 78)


def egetkey(fuse, kr, flags, mrenclave=MRENCLAVE, mrsigner=MRSIGNER):
    policy = struct.unpack_from("<H", kr, 2)[0]
    mask_flags, mask_xfrm = struct.unpack_from("<QQ", kr, 24)
    miscmask = struct.unpack_from("<I", kr, 72)[0]
    secs = struct.pack("<H", PRODID)
    secs += struct.pack("<QQ", (mask_flags | INIT | DEBUG) & flags, mask_xfrm & XFRM)
    secs += mrenclave if policy & 1 else bytes(32)
    secs += mrsigner if policy & 2 else bytes(32)
    secs += struct.pack("<I", MISC & miscmask)
    return hmac.new(fuse, b"lcp-c sim EGETKEY v1" + kr[:78] + secs, hashlib.sha256).digest()[:16]


def gramine_key(kr):
    return HKDF(algorithm=hashes.SHA256(), length=16, salt=b"lcp-c gramine seal v1", info=kr[:78]).derive(GRAMINE_KEY)


def blob(key, kr, secret, aad):
    ct_tag = AESGCM(key).encrypt(bytes(12), secret, aad)
    ct, tag = ct_tag[:-16], ct_tag[-16:]
    hdr = kr + struct.pack("<I", len(secret)) + bytes(12) + struct.pack("<I", len(secret) + len(aad)) + bytes(12) + tag
    assert len(hdr) == 560
    return hdr + ct + aad


def main():
    with open(OUT + "measure.txt", "w") as f:
        f.write("# image_len isv_prod_id isv_svn debug mrenclave (image byte i = i*7+1 mod 256); tools/vectors/tee.py\n")
        for n, prod, svn, dbg in [(0, 0, 0, 0), (1, 0, 0, 0), (100, 0, 0, 0), (100, 0, 0, 1), (100, 1, 0, 0),
                                  (100, 0, 1, 0), (100, 0x1234, 0xfedc, 1), (65536, 0, 0, 0), (200003, 7, 9, 0)]:
            f.write(f"{n} {prod} {svn} {dbg} {measure(image(n), prod, svn, dbg).hex()}\n")

    with open(OUT + "sealed.txt", "w") as f:
        f.write("# backend flags secret aad blob: unseals on the fixed test platform/enclave of tests/tee/tee_fixture.h"
                " (flags = the enclave's SGX attributes); tools/vectors/tee.py\n")
        secret32 = bytes(range(0x40, 0x60))
        cases = [
            ("sim", 1, INIT | MODE64, secret32, b""),                       # LCP's enclave-key blob: 592 bytes
            ("sim", 1, INIT | MODE64, b"x", b"additional MAC text"),
            ("sim", 2, INIT | MODE64, secret32, b"signer-bound"),
            ("sim", 3, INIT | MODE64, secret32, b""),
            ("sim", 1, INIT | MODE64 | DEBUG, secret32, b""),
            ("sim", 1, INIT | MODE64, bytes(range(256)) * 5, bytes(300)),
            ("gramine", 1, INIT | MODE64, secret32, b""),
            ("gramine", 1, INIT | MODE64, b"gramine secret", b"aad"),
        ]
        for i, (backend, policy, flags, secret, aad) in enumerate(cases):
            keyid = hashlib.sha256(b"keyid %d" % i).digest()
            # An older CPUSVN and ISVSVN than current in some cases: still unseals (SVN <= current).
            cpusvn = CPUSVN if i % 2 == 0 else bytes([1]) + CPUSVN[1:]
            isvsvn = ISVSVN if i % 3 else ISVSVN - 1
            kr = keyrequest(policy, isvsvn, cpusvn, keyid)
            key = egetkey(FUSE, kr, flags) if backend == "sim" else gramine_key(kr)
            b = blob(key, kr, secret, aad)
            f.write(f"{backend} {flags} {secret.hex()} {aad.hex() or '-'} {b.hex()}\n")

    with open(OUT + "report.txt", "w") as f:
        f.write("# target_info report: a sim report that verifies on the fixed test platform; tools/vectors/tee.py\n")
        for i in range(3):
            ti = bytearray(512)
            if i > 0:
                ti[0:32] = hashlib.sha256(b"qe %d" % i).digest()
                ti[32:48] = struct.pack("<QQ", INIT | MODE64, 3)
                ti[52:56] = struct.pack("<I", i)
            body = bytearray(384)
            body[0:16] = CPUSVN
            body[48:64] = struct.pack("<QQ", INIT | MODE64, XFRM)
            body[64:96] = MRENCLAVE
            body[128:160] = MRSIGNER
            body[256:260] = struct.pack("<HH", PRODID, ISVSVN)
            body[320:384] = hashlib.sha512(b"report data %d" % i).digest()
            keyid = hashlib.sha256(b"report keyid %d" % i).digest()
            rk = hmac.new(FUSE, b"lcp-c sim EREPORT key v1" + bytes(ti[0:32]) + bytes(ti[32:48]) + bytes(ti[52:56]) +
                          CPUSVN + keyid, hashlib.sha256).digest()[:16]
            mac = hmac.new(rk, bytes(body), hashlib.sha256).digest()[:16]
            f.write(f"{bytes(ti).hex()} {(bytes(body) + keyid + mac).hex()}\n")


if __name__ == "__main__":
    main()
