"""The one in-memory cache shape the API uses: least recently used out, bounded in size."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class BoundedCache(Generic[Value]):
    """An LRU bounded in entries and, with `size_of`, in total size; safe across threads.

    A worker's memory must not grow with the data, so every cache is one of these.
    """

    def __init__(
        self,
        max_entries: int,
        max_size: int | None = None,
        size_of: Callable[[Value], int] = lambda value: 0,
    ):
        self.max_entries, self.max_size, self.size_of = max_entries, max_size, size_of
        self._entries: OrderedDict[Hashable, Value] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # gunicorn may run threads (GUNICORN_THREADS)

    def get(self, key: Hashable) -> Value | None:
        """The value for `key` (now the most recently used), or None."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Value) -> None:
        """Keep `value` unless `key` is there already; evict the least recently used."""
        if self.max_size is not None and self.size_of(value) > self.max_size:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self._size += self.size_of(value)
            while len(self._entries) > self.max_entries or (
                self.max_size is not None and self._size > self.max_size
            ):
                _, evicted = self._entries.popitem(last=False)
                self._size -= self.size_of(evicted)

    def __len__(self) -> int:
        return len(self._entries)
