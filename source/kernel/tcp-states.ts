// TCP states by the number the kernel stores (include/net/tcp_states.h), which every inet socket's state uses.
export const TCP_STATES = ['', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV'];

/** A state's name; an unknown number as itself. */
export const tcpState = (n: number): string => TCP_STATES[n] ?? String(n);
