// Callboard panel strings, Russian (default) and English. Elements with a
// data-i18n="key" attribute get their text from here; app.js uses t().
'use strict';

window.CallboardI18n = (function () {
  const strings = {
    ru: {
      'logout': 'Выйти',
      'login.title': 'Вход для операторов',
      'login.login': 'Логин',
      'login.password': 'Пароль',
      'login.submit': 'Войти',
      'login.invalid': 'Неверный логин или пароль',
      'login.throttled': 'Слишком много попыток. Повторите через {s} с.',
      'login.bad': 'Введите логин и пароль',
      'login.expired': 'Сеанс истёк. Войдите снова.',
      'login.failed': 'Не удалось войти: сервер недоступен',
      'status.state': 'Статус',
      'status.phone': 'Телефон',
      'phone.registered': 'Подключён',
      'phone.unregistered': 'Не подключён',
      'pop.idle': 'Ожидание звонков',
      'pop.incoming': 'Входящий звонок',
      'pop.unknown': 'Неизвестный номер',
      'pop.unknown_hint': 'Этого номера нет в базе клиентов',
      'card.phones': 'Телефоны',
      'card.responsible': 'Ответственный',
      'card.deal': 'Сделка',
      'card.no_deal': 'Нет открытых сделок',
      'card.nobody': 'Не назначен',
      'card.last_calls': 'Последние звонки',
      'card.no_calls': 'Звонков ещё не было',
      'connection.open': 'На связи',
      'connection.closed': 'Нет связи',
      'role.agent': 'Оператор',
      'role.supervisor': 'Супервизор',
      'role.admin': 'Администратор',
      'state.offline': 'Не в сети',
      'state.available': 'Свободен',
      'state.ringing': 'Звонок',
      'state.on_call': 'Разговор',
      'state.wrap_up': 'Постобработка',
      'state.paused': 'Пауза',
      'stage.new': 'Новая',
      'stage.qualified': 'Квалификация',
      'stage.proposal': 'Предложение',
      'stage.negotiation': 'Переговоры',
      'stage.won': 'Выиграна',
      'stage.lost': 'Проиграна',
      'outcome.answered': 'Отвечен',
      'outcome.abandoned': 'Пропущен',
      'outcome.no_agent': 'Не принят',
      'outcome.not_found': 'Нет номера',
      'outcome.failed': 'Ошибка',
      'outcome.interrupted': 'Прерван',
      'outcome.in_progress': 'Идёт',
    },
    en: {
      'logout': 'Log out',
      'login.title': 'Agent sign-in',
      'login.login': 'Login',
      'login.password': 'Password',
      'login.submit': 'Sign in',
      'login.invalid': 'Wrong login or password',
      'login.throttled': 'Too many attempts. Try again in {s} s.',
      'login.bad': 'Enter your login and password',
      'login.expired': 'Your session has expired. Please sign in again.',
      'login.failed': 'Could not sign in: the server is unreachable',
      'status.state': 'Status',
      'status.phone': 'Phone',
      'phone.registered': 'Connected',
      'phone.unregistered': 'Not connected',
      'pop.idle': 'Waiting for calls',
      'pop.incoming': 'Incoming call',
      'pop.unknown': 'Unknown number',
      'pop.unknown_hint': 'This number is not in the client base',
      'card.phones': 'Phones',
      'card.responsible': 'Responsible',
      'card.deal': 'Deal',
      'card.no_deal': 'No open deals',
      'card.nobody': 'Nobody',
      'card.last_calls': 'Last calls',
      'card.no_calls': 'No calls yet',
      'connection.open': 'Online',
      'connection.closed': 'Offline',
      'role.agent': 'Agent',
      'role.supervisor': 'Supervisor',
      'role.admin': 'Administrator',
      'state.offline': 'Offline',
      'state.available': 'Available',
      'state.ringing': 'Ringing',
      'state.on_call': 'On a call',
      'state.wrap_up': 'Wrap-up',
      'state.paused': 'Paused',
      'stage.new': 'New',
      'stage.qualified': 'Qualified',
      'stage.proposal': 'Proposal',
      'stage.negotiation': 'Negotiation',
      'stage.won': 'Won',
      'stage.lost': 'Lost',
      'outcome.answered': 'Answered',
      'outcome.abandoned': 'Missed',
      'outcome.no_agent': 'Not taken',
      'outcome.not_found': 'No such number',
      'outcome.failed': 'Failed',
      'outcome.interrupted': 'Interrupted',
      'outcome.in_progress': 'In progress',
    },
  };
  const STORAGE_KEY = 'callboard.lang';
  let lang = 'ru';
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved && strings[saved]) lang = saved;
  } catch (e) { /* storage disabled: stay with the default */ }

  // The string for key in the current language; {name} placeholders are
  // filled from vars. Unknown keys fall back to Russian, then to the key.
  function t(key, vars) {
    let s = strings[lang][key] ?? strings.ru[key] ?? key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  }

  // A value's label if there is one ("stage.proposal"), else the raw value.
  function label(prefix, value) {
    const key = prefix + '.' + value;
    return strings[lang][key] ?? strings.ru[key] ?? String(value);
  }

  function setLanguage(next) {
    if (!strings[next]) return;
    lang = next;
    try { window.localStorage.setItem(STORAGE_KEY, next); } catch (e) { /* not remembered */ }
  }

  return { t, label, setLanguage, language: () => lang, languages: Object.keys(strings) };
})();
