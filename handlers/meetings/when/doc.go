// Package when reads the date and time phrases people type when they plan a
// visit or a meeting, in Russian, Belarusian or English: "завтра в 10",
// "25 снежня а 15:00", "Dec 25 at 3:30 pm", "через 2 часа",
// "25.12 15:00 Town hall, tourism forum".
//
// Parse reads the phrase at the start of the text and returns the moment,
// the text after it and the language it was written in. The package is a
// small hand-written tokenizer and grammar: general date libraries either
// lack Belarusian or guess where this package must ask.
//
// # Spelling
//
// Case does not matter; ё is read as е. A missing і or ў is tolerated
// ("пятнiцу" with a Latin i, "заутра"), so are Latin look-alike letters
// inside Cyrillic words, stress marks and letters with a separate combining
// breve. Leading punctuation is skipped. Components may be separated by
// commas and closing quotes or brackets. Rest is the text after the phrase
// with leading spaces and , ; : . ! ? … - – — | / \ » ” ) removed.
//
// # Dates
//
//   - Numeric, day first in every language: 25.12, 25.12., 25.12.26,
//     25.12.2026, 25/12/2026, 25-12-2026, and year first: 2026-12-25,
//     2026-12-25T15:00, 2026.12.25, 2026/12/25. A two-digit year is 20YY.
//     "12/25" is the 12th of month 25, so ErrInvalid. A hyphenated date
//     needs its year: "10-12" is not a date. A year may be followed by
//     "г.", "года", "год", "году".
//   - Day and month name: "25 декабря", "25-го декабря", "25 снежня",
//     "25 Dec", "25th of December", with an optional year of 1900–2199
//     ("25 декабря 2026 года", "25 снежня 2026 г."); month first: "December
//     25", "Dec. 25th, 2026". Month names: Russian and Belarusian nominative
//     and genitive forms and the usual abbreviations (янв, февр, студз,
//     лют, сак, крас, трав/травень, жн, ліст, снеж …), English full and
//     short names.
//   - Relative days: сегодня, завтра, послезавтра; сёння, заўтра,
//     паслязаўтра; today, tomorrow, (the) day after tomorrow, tonight (today,
//     evening). "на завтра", "on …" are accepted.
//   - Weekdays, in the accusative and nominative and short forms: понедельник,
//     вторник, среду, четверг, пятницу, субботу, воскресенье, пн … вс;
//     панядзелак, аўторак, сераду, чацвер, пятніцу, суботу, нядзелю, пн …
//     нд; Monday … Sunday, mon … sun; with в/во/у/ў/на/on before them.
//   - Relative spans: через/праз/in + amount + unit, several joined by
//     "и", "і", "ды", "and" or commas: "через 2 часа", "через час",
//     "через 1 час 30 минут", "через полтора часа", "через 1,5 часа",
//     "через полчаса", "через пару часов", "через две недели", "через
//     полгода", "праз гадзіну", "праз 3 дні", "праз паўгадзіны", "in an
//     hour", "in half an hour", "in a couple of hours", "in 2 weeks".
//     Units: minutes, hours, days (сутки), weeks, months, years, in every
//     case form and the abbreviations мин, ч, дн, нед, мес, хв, гадз, min, h,
//     hr, wk, yr. Amounts are digits (up to 4), .5/,5 halves (minutes and
//     hours only) or the number words 1–12, 15, 20, 30, 40.
//
// # Times
//
//   - 15:00, 15:00:00, 9:30 anywhere; 15.30 and 15-30 only after a time
//     preposition or a date ("в 15.30", "25.12 15-30"), because on its own
//     "10.12" is a date and "10-12" is too often a range. On its own "15.30"
//     is a time only when no month could be meant (the part after the dot is
//     13–59).
//   - An hour with an hour word: 15ч, 15 ч 30 мин, 15ч30, 3 часа 30 минут,
//     в 15 часов, а 15 гадзіне, у 15 гадз, 3 o'clock, 15h30.
//   - A bare hour ("10", "пять", "five") only after в, во, у, ў, а or at, or
//     with a qualifier. "завтра 10 человек" keeps "10 человек" in Rest. After
//     "на" a time needs its minutes or an hour word ("на 10:00").
//   - "в час" (ru) is one o'clock.
//   - Qualifiers: am, pm, a.m., p.m.; утра, дня, вечера, ночи; раніцы, дня,
//     вечара, ночы; "in the morning/afternoon/evening", "at night". Anywhere
//     in the phrase: утром, днём, вечером, ночью; раніцай, удзень,
//     увечары, вечарам, уначы, ноччу; morning, afternoon, evening, night,
//     "this morning". A qualifier that does not fit the hour is ErrInvalid
//     ("8 дня", "12 вечера", "20 am").
//   - Noon: полдень, поўдзень, апоўдні, noon, midday. Midnight: полночь,
//     поўнач, апоўначы, midnight, "12 ночи".
//   - 24:00 and any hour over 23, minutes or seconds over 59, are ErrInvalid.
//
// Times and dates may come in either order: "15:00 25.12", "в 10 завтра",
// "3pm tomorrow". A weekday may come with a date ("пятница, 27 ноября",
// "Friday, December 4"); if they disagree the result is ErrInvalid.
//
// # Rules
//
//   - Everything is computed on the wall clock of the given location; now is
//     first converted to it.
//   - A date without a year is this year's if it is today or later, else
//     next year's: 25.12 typed on 26.12 is next year's 25 December. The
//     year is chosen by the date alone, so "26.11 15:00" typed on 26.11 at
//     21:00 is today's and ErrPast, not next year's.
//   - 29 February without a year is ErrInvalid when the year so chosen is
//     not a leap year (typed in November 2026 it would be 2027). The
//     parser does not jump more than a year ahead to find one.
//   - A weekday alone means the nearest such day after today, 1–7 days
//     ahead: "в четверг" typed on a Thursday is next week's. People name
//     today as "сегодня". "этот/эту", "гэты/гэтую", "this", "ближайший",
//     "coming" allow today. "следующий/следующую", "наступны/наступную",
//     "next" mean that weekday of next calendar week (weeks start on
//     Monday): on Thursday 26 November "в пятницу" is the 27th and "next
//     Friday" the 4th of December; on a Sunday both are the coming Friday.
//   - A time alone is its next occurrence: today if still ahead, else
//     tomorrow.
//   - Hours: 0 and 13–23, an hour written with a leading zero ("05:00",
//     "09:30"), or an hour with a qualifier is taken as written. Without
//     those, 8–12 are read as 08:00–12:59 (a meeting at 20:00–24:00 is
//     written as 20:00 or with "вечера"), and 1–7 are Ambiguous: "в 5" gives
//     05:00 and 17:00, earliest first, and At is zero. Minutes do not change
//     this ("в 7:15" is ambiguous too).
//   - Of two readings on a named day, one already past is dropped and the
//     other is the answer ("сегодня в 7" at 15:00 is 19:00); when both are
//     past the result is ErrPast with Ambiguous filled.
//   - Midnight on a named day ("завтра в полночь") may start or end it, so
//     both are returned as Ambiguous (with the same dropping of a past one);
//     midnight with no day is the coming one. "12 am" is 00:00 at the start
//     of the named day, by the English convention.
//   - Night hours belong to the named day: "в пятницу в 2 ночи" is Friday
//     02:00.
//   - Relative spans are exact moments. Minutes and hours are elapsed time
//     (correct across a daylight-saving change); days, weeks, months and
//     years keep the wall-clock time; adding months keeps the day of month
//     or takes the last day of a shorter month (31 January + 1 month = 28
//     February). Days and longer may be followed by a time ("через 2 дня в
//     10"); minutes and hours may not, and such a time is left in Rest.
//   - A date without a time gives HasTime false and At at the start of the
//     day; the day is past only if it is before today.
//   - A moment before now is ErrPast, returned with the Result filled; now
//     itself is not past.
//   - A wall time skipped or repeated by a daylight-saving change is resolved
//     as time.Date resolves it.
//
// Lang counts the words of the phrase for each language they belong to and
// takes the largest count; ties go to Russian, then Belarusian (so
// "25 мая" is ru and "25 мая ў 10" is be). A phrase of digits only gives "".
package when
