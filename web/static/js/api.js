// The HTTP side of PROTOCOL.md §2: register, login, logout. Every answer is
// {"type": …, "payload": …}; errors carry payload.code and payload.message.

async function post(path, fields, token) {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method: 'POST', headers, body: new URLSearchParams(fields) });
  } catch {
    throw new Error('The server cannot be reached.');
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // A proxy's HTML error page: fall through to the generic message.
  }
  if (!response.ok || !body || body.type === 'error') {
    const message = body && body.payload && body.payload.message;
    const error = new Error(message || `The server answered ${response.status}.`);
    error.code = body && body.payload && body.payload.code;
    error.status = response.status;
    throw error;
  }
  return body.payload;
}

export async function register(name, email, password) {
  return (await post('/api/v1/auth/register', { name, email, password })).message;
}

// Resolves with the token.
export async function login(email, password) {
  return (await post('/api/v1/auth/login', { email, password })).token;
}

export async function logout(token) {
  await post('/api/v1/auth/logout', {}, token);
}
