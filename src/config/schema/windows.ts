/** Time-window arithmetic for the daily and weekly UTC windows RDS and ElastiCache take. */

/** Minutes since Monday 00:00 for each minute a window covers (windows may wrap). */
function windowMinutes(window: string, weekly: boolean): Set<number> {
  const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  const toMinute = (part: string) => {
    const fields = part.split(":");
    const day = weekly ? days.indexOf(fields[0]) : 0;
    const [hours, minutes] = fields.slice(weekly ? 1 : 0).map(Number);
    return day * 1440 + hours * 60 + minutes;
  };
  const [start, end] = window.split("-").map(toMinute);
  const period = weekly ? 7 * 1440 : 1440;
  const covered = new Set<number>();
  for (let minute = start; minute !== end; minute = (minute + 1) % period) covered.add(minute);
  return covered;
}

/** True when a daily window and a weekly window share any minute of the week. */
export function windowsOverlap(dailyWindowText: string, weeklyWindowText: string): boolean {
  const daily = windowMinutes(dailyWindowText, false);
  const weekly = windowMinutes(weeklyWindowText, true);
  for (const minute of weekly) if (daily.has(minute % 1440)) return true;
  return false;
}
