import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import type { Requester } from '../requester/requester.js';
import { PUBSCRIBE_MODULE_OPTIONS, PUBSCRIBE_REQUESTER, PUBSCRIBE_TRANSPORT_HANDLE } from './constants.js';
import type { PubScribeModuleOptions } from './module-options.js';
import type { TransportHandle } from './transport-source.js';

/**
 * Starts the shared requester's reply consumer when the module initialises, and stops it (and the
 * transport the module created) when the application shuts down.
 *
 * Shutdown runs in `onApplicationShutdown`, the last of Nest's hooks: microservices (a
 * `PubScribeServer` sharing this transport, say) are closed before it, so nothing still uses the
 * transport when it closes.
 *
 * @internal
 */
@Injectable()
export class PubScribeLifecycle implements OnModuleInit, OnApplicationShutdown {
  private closing: Promise<void> | undefined;

  constructor(
    @Inject(PUBSCRIBE_REQUESTER) private readonly requester: Requester,
    @Inject(PUBSCRIBE_TRANSPORT_HANDLE) private readonly handle: TransportHandle,
    @Inject(PUBSCRIBE_MODULE_OPTIONS) private readonly options: PubScribeModuleOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.options.warmUp === false) return;
    try {
      await firstValueFrom(this.requester.warmUp());
    } catch (error) {
      // Nest does not call shutdown hooks when initialisation fails: release what was started.
      await this.close();
      throw error;
    }
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  private close(): Promise<void> {
    this.closing ??= (async () => {
      this.requester.close();
      // A transport you passed in is yours to close; closing it also waits for the reply
      // consumer to leave its group.
      if (this.handle.owned) await this.handle.transport.close();
    })();
    return this.closing;
  }
}
