"""BLAKE2b (RFC 7693), unkeyed, with an eight-byte digest: the keyed draw of a decision, for numba.

The engine draws a decision's uniform from `hashlib.blake2b(key, digest_size=8,
person=b"casus-decision")` (engine.decide.Draw); the kernel cannot call hashlib, so
it runs this, which gives the same bits (tested against hashlib). Plain Python over
NumPy arrays and unsigned 64-bit integers, compiled by `engine.kernel.compiled`.
"""
from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["blake2b_8"]

_IV = np.array([0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
                0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179],
               dtype=np.uint64)
_SIGMA = np.array([
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0]], dtype=np.int64)


def _rotr(x: np.uint64, n: int) -> np.uint64:
    return (x >> np.uint64(n)) | (x << np.uint64(64 - n))


def _mix(v: npt.NDArray[np.uint64], a: int, b: int, c: int, d: int, x: np.uint64, y: np.uint64) -> None:
    v[a] = v[a] + v[b] + x
    v[d] = _rotr(v[d] ^ v[a], 32)
    v[c] = v[c] + v[d]
    v[b] = _rotr(v[b] ^ v[c], 24)
    v[a] = v[a] + v[b] + y
    v[d] = _rotr(v[d] ^ v[a], 16)
    v[c] = v[c] + v[d]
    v[b] = _rotr(v[b] ^ v[c], 63)


def _compress(h: npt.NDArray[np.uint64], block: npt.NDArray[np.uint8], counter: int, last: bool,
              v: npt.NDArray[np.uint64], m: npt.NDArray[np.uint64]) -> None:
    for i in range(16):
        word = np.uint64(0)
        for j in range(8):
            word |= np.uint64(block[8 * i + j]) << np.uint64(8 * j)
        m[i] = word
    for i in range(8):
        v[i] = h[i]
        v[i + 8] = _IV[i]
    v[12] ^= np.uint64(counter)
    if last:
        v[14] = ~v[14]
    for r in range(12):
        s = _SIGMA[r % 10]
        _mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]])
        _mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]])
        _mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]])
        _mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]])
        _mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]])
        _mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]])
        _mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]])
        _mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]])
    for i in range(8):
        h[i] ^= v[i] ^ v[i + 8]


def blake2b_8(message: npt.NDArray[np.uint8], length: int, person: npt.NDArray[np.uint8]) -> int:
    """The first 64 bits, read big-endian, of BLAKE2b-64 of `message[:length]` with the 16-byte
    personalisation `person` (zero-padded, as hashlib pads it), shifted right by 11: the 53
    bits `unit_float` takes. `hashlib.blake2b(msg, digest_size=8, person=p)` gives the same."""
    h = _IV.copy()
    h[0] ^= np.uint64(0x01010008)  # fanout 1, depth 1, no key, an eight-byte digest
    p6 = np.uint64(0)
    p7 = np.uint64(0)
    for j in range(8):
        p6 |= np.uint64(person[j]) << np.uint64(8 * j)
        p7 |= np.uint64(person[8 + j]) << np.uint64(8 * j)
    h[6] ^= p6
    h[7] ^= p7
    block = np.zeros(128, dtype=np.uint8)
    v = np.zeros(16, dtype=np.uint64)
    m = np.zeros(16, dtype=np.uint64)
    done = 0
    while length - done > 128:
        block[:] = message[done:done + 128]
        done += 128
        _compress(h, block, done, False, v, m)
    block[:] = 0
    block[:length - done] = message[done:length]
    _compress(h, block, length, True, v, m)
    # The digest's eight bytes are h[0] little-endian; the engine reads them big-endian.
    x = h[0]
    swapped = np.uint64(0)
    for j in range(8):
        swapped = (swapped << np.uint64(8)) | ((x >> np.uint64(8 * j)) & np.uint64(0xFF))
    return int(swapped >> np.uint64(11))
