/**
 * A SASL_PLAINTEXT listener with PLAIN users and ACLs, for the security tests. The PLAINTEXT
 * listener stays (inter-broker traffic and the controller use it, anonymously, so `User:ANONYMOUS`
 * is a super user); clients under test connect to the SASL port.
 */

/** PLAIN users of the SASL listener: name -> password. `admin` must be one of them. */
export type SaslUsers = Readonly<Record<string, string>>;

/** What the harness needs to open a SASL listener. */
export interface SaslListener {
  readonly users: SaslUsers;
}

function quoted(value: string): string {
  if (/["\\;]/.test(value)) throw new Error('SASL test credentials must not contain quotes, backslashes or semicolons');
  return `"${value}"`;
}

/**
 * Broker settings that add `SASL_PLAINTEXT://127.0.0.1:<saslPort>` to a node with the given
 * PLAINTEXT and controller ports, PLAIN authentication for `users`, and the standard authorizer
 * (deny by default, `admin` and the anonymous inter-broker principal as super users).
 */
export function saslProperties(
  ports: { readonly port: number; readonly controllerPort: number; readonly saslPort: number },
  listener: SaslListener,
): Record<string, string> {
  if (!listener.users.admin) throw new Error("the SASL users must include 'admin'");
  const jaas = [
    'org.apache.kafka.common.security.plain.PlainLoginModule required',
    `username="admin" password=${quoted(listener.users.admin)}`,
    ...Object.entries(listener.users).map(([user, password]) => `user_${user}=${quoted(password)}`),
  ].join(' ');
  return {
    listeners: `PLAINTEXT://127.0.0.1:${ports.port},CONTROLLER://127.0.0.1:${ports.controllerPort},SASL_PLAINTEXT://127.0.0.1:${ports.saslPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${ports.port},SASL_PLAINTEXT://127.0.0.1:${ports.saslPort}`,
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
    'sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.sasl_plaintext.sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.sasl_plaintext.plain.sasl.jaas.config': `${jaas};`,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:admin;User:ANONYMOUS',
    'allow.everyone.if.no.acl.found': 'false',
  };
}
