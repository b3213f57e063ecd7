// Loads what a screen shows from the engine, with the error kept for the screen to display.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../main/api/contract.js';
import { errorOf } from './bridge.js';

export interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
}

export function useLoad<T>(load: (() => Promise<T>) | null, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    if (!load) {
      setData(null);
      return;
    }
    const mine = ++latest.current;
    setLoading(true);
    load().then(
      (v) => { if (mine === latest.current) { setData(v); setError(null); } },
      (e) => { if (mine === latest.current) setError(errorOf(e)); },
    ).finally(() => { if (mine === latest.current) setLoading(false); });
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** The value, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
