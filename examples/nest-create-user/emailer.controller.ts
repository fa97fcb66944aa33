import { Controller, Injectable, Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { patternCodecs } from '../../lib/nest';
import { SendWelcomeEmail, sendWelcomeEmailCodec } from '../create-user/messages';
import type { FlowTopics } from '../create-user/topics';

/** Where the emailer "sends" welcome emails: kept in memory, for the test to read. */
@Injectable()
export class Outbox {
  readonly sent: SendWelcomeEmail[] = [];
}

/**
 * The emailer (the seed's step 7) as an `@EventPattern` handler: "send welcome email" records
 * carry no reply topic, so PubScribeServer runs the handler and replies to nobody.
 *
 * @param topics the flow's topics
 * @returns the controller class
 */
export function emailerController(topics: FlowTopics): Type<unknown> {
  @Controller()
  class EmailerController {
    constructor(private readonly outbox: Outbox) {}

    @EventPattern(topics.sendEmail, patternCodecs({ requestCodec: sendWelcomeEmailCodec }))
    send(@Payload() email: SendWelcomeEmail): void {
      this.outbox.sent.push(email);
    }
  }
  return EmailerController;
}
