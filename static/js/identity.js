// Who this browser is in a class: what /join answered, kept in localStorage under nnplay.class.<class_id> as
// {student_id, session_id, token, nickname, class_name}. A reload or a closed tab comes back to the same
// session with it; "not me" (a shared lab computer) forgets it. Nothing else about a student is kept here.

const PREFIX = "nnplay.class.";

export function loadIdentity(classId) {
  try {
    const identity = JSON.parse(localStorage.getItem(PREFIX + classId));
    return identity && identity.session_id && identity.token && identity.student_id ? identity : null;
  } catch {
    return null;  // a damaged entry: as if there were none (joining again writes a good one)
  }
}

export function saveIdentity(classId, identity) {
  localStorage.setItem(PREFIX + classId, JSON.stringify(identity));
}

export function forgetIdentity(classId) {
  localStorage.removeItem(PREFIX + classId);
}

/** Every class this browser has joined: [{class_id, ...identity}], for "continue" on the join page. */
export function storedIdentities() {
  const found = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key?.startsWith(PREFIX)) continue;
    const classId = key.slice(PREFIX.length);
    const identity = loadIdentity(classId);
    if (identity) found.push({ class_id: classId, ...identity });
  }
  return found;
}
