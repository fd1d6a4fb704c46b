import type { FakeProvider, RequestView } from './request-view.js';
import type { Wire } from './wire.js';

type Json = Record<string, unknown>;

/** A refusal in the API's own shape: status and JSON body. */
export interface RouteRefusal {
  status: number;
  body: unknown;
  message: string;
}

/** One API path of the fake server: how to read a request, render answers, and what to refuse. */
export interface Route {
  provider: FakeProvider;
  view(body: Json, headers: Record<string, string>): RequestView;
  /** The protocol rendering for this request (some depend on what it asked for). */
  wire(body: Json): Wire;
  /** Strict mode: what the real API would refuse in this request, or null. */
  check?(body: Json): RouteRefusal | null;
}
