-- One round trip at the start of a user's turn: take the user's session advisory lock, then read
-- their row with their steps done and the pages they visited. A VOLATILE SQL function takes a fresh
-- snapshot for each statement in it, so the read sees everything the lock's previous holder (on any
-- worker) committed before releasing it; one statement would read with a snapshot from before the wait.
CREATE FUNCTION marhaba_lock_and_read_user(lock_space INTEGER, lock_key INTEGER, p_channel TEXT, p_user TEXT)
RETURNS TABLE (u users, steps TEXT[], visited TEXT[])
LANGUAGE sql VOLATILE AS $$
    SELECT pg_advisory_lock(lock_space, lock_key);
    SELECT users,
           ARRAY(SELECT node_id FROM steps_done WHERE user_id = users.id),
           ARRAY(SELECT node_id FROM visits WHERE user_id = users.id)
      FROM users WHERE channel = p_channel AND channel_user_id = p_user;
$$;
