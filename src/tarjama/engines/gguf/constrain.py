"""A GBNF grammar over a llama.cpp vocabulary, one per sequence: llama.cpp's own grammar sampler.

``TokenGrammar`` wraps ``llama_sampler_init_grammar``: ``allows(token)`` asks whether the
grammar admits ``token`` next (llama.cpp's test on a one-token candidate list, as its common
sampler does before it filters the whole vocabulary), ``mask(row)`` sets every token the
grammar refuses to ``-inf`` (the whole vocabulary: only needed when the model's own choice is
refused), ``accept(token)`` advances it. An end-of-generation token is admitted only where the
grammar is complete, so a constrained sequence cannot end before every tag is out.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

_TOKEN_DATA = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)])


class GrammarError(ValueError):
    """llama.cpp could not parse a grammar."""


class TokenGrammar:
    def __init__(self, vocab: Any, grammar: str, n_vocab: int) -> None:
        import llama_cpp

        self._lib = llama_cpp
        self._sampler = llama_cpp.llama_sampler_init_grammar(vocab, grammar.encode("utf-8"), b"root")
        if not self._sampler:
            raise GrammarError("llama.cpp could not parse the grammar")
        self.n_vocab = n_vocab
        self._one = (llama_cpp.llama_token_data * 1)()
        self._one_array = llama_cpp.llama_token_data_array(
            data=ctypes.cast(self._one, llama_cpp.llama_token_data_p), size=1, selected=-1, sorted=False
        )
        self._all = np.zeros(n_vocab, dtype=_TOKEN_DATA)
        self._all["id"] = np.arange(n_vocab, dtype=np.int32)

    def allows(self, token: int) -> bool:
        self._one[0].id = token
        self._one[0].logit = 0.0
        self._one[0].p = 0.0
        self._one_array.data = ctypes.cast(self._one, self._lib.llama_token_data_p)
        self._one_array.size = 1
        self._one_array.selected = -1
        self._lib.llama_sampler_apply(self._sampler, ctypes.byref(self._one_array))
        return bool(np.isfinite(self._one[0].logit))

    def mask(self, row: np.ndarray) -> np.ndarray:
        """``row`` (logits over the vocabulary) with every refused token at ``-inf``."""
        data = self._all
        data["id"] = np.arange(self.n_vocab, dtype=np.int32)
        data["logit"] = row[: self.n_vocab]
        data["p"] = 0.0
        pointer = data.ctypes.data_as(self._lib.llama_token_data_p)
        array = self._lib.llama_token_data_array(data=pointer, size=self.n_vocab, selected=-1, sorted=False)
        self._lib.llama_sampler_apply(self._sampler, ctypes.byref(array))
        out = np.full(row.shape, -np.inf, dtype=np.float32)
        # The sampler changes logits in place and never reorders an unsorted list.
        out[data["id"]] = data["logit"]
        return out

    def accept(self, token: int) -> None:
        self._lib.llama_sampler_accept(self._sampler, token)

    def close(self) -> None:
        if self._sampler:
            self._lib.llama_sampler_free(self._sampler)
            self._sampler = None

    def __del__(self) -> None:
        self.close()
