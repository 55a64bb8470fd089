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


def _mix(a: np.uint64, b: np.uint64, c: np.uint64, d: np.uint64, x: np.uint64, y: np.uint64
         ) -> tuple[np.uint64, np.uint64, np.uint64, np.uint64]:
    a = a + b + x
    d = _rotr(d ^ a, 32)
    c = c + d
    b = _rotr(b ^ c, 24)
    a = a + b + y
    d = _rotr(d ^ a, 16)
    c = c + d
    b = _rotr(b ^ c, 63)
    return a, b, c, d


def _compress(h: npt.NDArray[np.uint64], m: npt.NDArray[np.uint64], counter: int, last: bool) -> None:
    """One block `m` (sixteen words) into the state `h`. The working vector is sixteen locals, not an
    array: compiled, they stay in registers (a quarter quicker than an array in memory)."""
    v0, v1, v2, v3, v4, v5, v6, v7 = h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
    v8, v9, v10, v11, v13, v15 = _IV[0], _IV[1], _IV[2], _IV[3], _IV[5], _IV[7]
    v12 = _IV[4] ^ np.uint64(counter)
    v14 = ~_IV[6] if last else _IV[6]
    for r in range(12):
        q = r % 10
        v0, v4, v8, v12 = _mix(v0, v4, v8, v12, m[_SIGMA[q, 0]], m[_SIGMA[q, 1]])
        v1, v5, v9, v13 = _mix(v1, v5, v9, v13, m[_SIGMA[q, 2]], m[_SIGMA[q, 3]])
        v2, v6, v10, v14 = _mix(v2, v6, v10, v14, m[_SIGMA[q, 4]], m[_SIGMA[q, 5]])
        v3, v7, v11, v15 = _mix(v3, v7, v11, v15, m[_SIGMA[q, 6]], m[_SIGMA[q, 7]])
        v0, v5, v10, v15 = _mix(v0, v5, v10, v15, m[_SIGMA[q, 8]], m[_SIGMA[q, 9]])
        v1, v6, v11, v12 = _mix(v1, v6, v11, v12, m[_SIGMA[q, 10]], m[_SIGMA[q, 11]])
        v2, v7, v8, v13 = _mix(v2, v7, v8, v13, m[_SIGMA[q, 12]], m[_SIGMA[q, 13]])
        v3, v4, v9, v14 = _mix(v3, v4, v9, v14, m[_SIGMA[q, 14]], m[_SIGMA[q, 15]])
    h[0] ^= v0 ^ v8
    h[1] ^= v1 ^ v9
    h[2] ^= v2 ^ v10
    h[3] ^= v3 ^ v11
    h[4] ^= v4 ^ v12
    h[5] ^= v5 ^ v13
    h[6] ^= v6 ^ v14
    h[7] ^= v7 ^ v15


def blake2b_8(message: npt.NDArray[np.uint8], length: int, person: npt.NDArray[np.uint8]) -> int:
    """The first 64 bits, read big-endian, of BLAKE2b-64 of `message[:length]` with the 16-byte
    personalisation `person` (zero-padded, as hashlib pads it), shifted right by 11: the 53
    bits `unit_float` takes. `hashlib.blake2b(msg, digest_size=8, person=p)` gives the same."""
    state = np.empty(24, dtype=np.uint64)  # the state, then a block's words
    h, m = state[:8], state[8:]
    for i in range(8):
        h[i] = _IV[i]
    h[0] ^= np.uint64(0x01010008)  # fanout 1, depth 1, no key, an eight-byte digest
    p6 = np.uint64(0)
    p7 = np.uint64(0)
    for j in range(8):
        p6 |= np.uint64(person[j]) << np.uint64(8 * j)
        p7 |= np.uint64(person[8 + j]) << np.uint64(8 * j)
    h[6] ^= p6
    h[7] ^= p7
    done = 0
    while True:  # each block of 128 bytes, the last (perhaps empty) padded with zeros
        last = length - done <= 128
        for i in range(16):
            word = np.uint64(0)
            for j in range(8):
                at = done + 8 * i + j
                if at < length:
                    word |= np.uint64(message[at]) << np.uint64(8 * j)
            m[i] = word
        if last:
            _compress(h, m, length, True)
            break
        done += 128
        _compress(h, m, done, False)
    # The digest's eight bytes are h[0] little-endian; the engine reads them big-endian.
    x = h[0]
    swapped = np.uint64(0)
    for j in range(8):
        swapped = (swapped << np.uint64(8)) | ((x >> np.uint64(8 * j)) & np.uint64(0xFF))
    return int(swapped >> np.uint64(11))
