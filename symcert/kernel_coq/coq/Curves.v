(** * Reflective checker for polynomial curves: descent ("not a local minimum"), ascent, and
    saddles (descent plus ascent), for piecewise-linear networks of any depth.

    A curve is [theta(t) = p + t D1 + t^2 D2 + ...], given as the point [p] and, per parameter,
    the list of its coefficients of [t, t^2, ...]. Along the curve every pre-activation is a
    polynomial in [t]; for all small [t > 0] its activation piece is decided by the sign of the
    lowest nonzero coefficient of [z(t) - b] for each breakpoint [b]. On those pieces the risk
    along the curve is a polynomial [R(t)]; the checker computes [R] and the exact risk [r] at
    [p], and accepts a descent curve when the lowest nonzero coefficient of [R(t) - r] is
    negative (an ascent curve: positive). [curve_down_sound]: then every neighbourhood of [p]
    holds a point of strictly lower (ascent: higher) risk. *)
From Coq Require Import List QArith Qreduction Reals Qreals Lra Lia.
From Symcert Require Import Defs QSem Lists.
Import ListNotations.

(** ** Polynomials in t over Q (coefficients lowest first) *)
Definition poly := list Q.

Fixpoint padd (p q : poly) : poly :=
  match p, q with
  | [], _ => q
  | _, [] => p
  | a :: p', b :: q' => qadd a b :: padd p' q'
  end.

Definition pscale (c : Q) (p : poly) : poly := map (fun a => Qred (c * a)) p.

Fixpoint pmul (p q : poly) : poly :=
  match p with
  | [] => []
  | a :: p' => padd (pscale a q) (0%Q :: pmul p' q)
  end.

Definition psum (l : list poly) : poly := fold_right padd [] l.

Fixpoint pdot (u v : list poly) : poly :=
  match u, v with
  | a :: u', b :: v' => padd (pmul a b) (pdot u' v')
  | _, _ => []
  end.

(** The sign of [p(t)] for all small [t > 0]: that of its lowest nonzero coefficient. *)
Fixpoint lsign (p : poly) : comparison :=
  match p with
  | [] => Eq
  | c :: p' => match Qcompare c 0 with Eq => lsign p' | o => o end
  end.

Definition sign_lt (p : poly) : bool := match lsign p with Lt => true | _ => false end.

(** The activation along a polynomial pre-activation, valid for all small t > 0. *)
Fixpoint piece_poly (bs : list Q) (ps : list (Q * Q)) (z : poly) : poly :=
  match ps with
  | [] => []
  | (s, c) :: ps' =>
      match bs with
      | [] => padd (pscale s z) [c]
      | b :: bs' => if sign_lt (padd z [Qopp b]) then padd (pscale s z) [c] else piece_poly bs' ps' z
      end
  end.

Definition player := (list (list poly) * list poly)%type.

Definition apply_player (L : player) (x : list poly) : list poly :=
  map (fun wb => padd (pdot (fst wb) x) (snd wb)) (combine (fst L) (snd L)).

Fixpoint forward_p (h : poly -> poly) (ls : list player) (x : list poly) : list poly :=
  match ls with
  | [] => x
  | [L] => apply_player L x
  | L :: ls' => forward_p h ls' (map h (apply_player L x))
  end.

Definition sign_gt (p : poly) : bool := match lsign p with Gt => true | _ => false end.

(** The loss of an output polynomial [o(t)] against the target [y], valid for all small t > 0:
    each loss is piecewise polynomial in the output, its branch decided like a piece. *)
Definition ell_p (l : loss) (o : poly) (y : Q) : poly :=
  let r := padd o [Qopp y] in
  match l with
  | Squared => pscale (1 # 2) (pmul r r)
  | Absolute => if sign_lt r then pscale (-1) r else r
  | Huber d =>
      if sign_gt (padd r [Qopp d]) then pscale d (padd r [Qopp (d * (1 # 2))])
      else if sign_lt (padd r [d]) then pscale d (padd (pscale (-1) r) [Qopp (d * (1 # 2))])
      else pscale (1 # 2) (pmul r r)
  | Hinge => let mg := padd [1%Q] (pscale (Qopp y) o) in if sign_gt mg then mg else []
  end.

Definition sample_loss_p (a : activation) (l : loss) (ws : list nat) (cv : list poly) (s : sample) : poly :=
  psum (map (fun oy => ell_p l (fst oy) (snd oy))
            (combine (forward_p (piece_poly (breakpoints a) (pieces a)) (layers ws cv)
                                (map (fun c => [c]) (fst s))) (snd s))).

Definition risk_p (a : activation) (l : loss) (ws : list nat) (data : list sample) (cv : list poly) : poly :=
  psum (map (sample_loss_p a l ws cv) data).

(** The loss and the risk at a point, over Q, for every loss. *)
Definition ell_q (l : loss) (yhat y : Q) : Q :=
  let d := qsub yhat y in
  match l with
  | Squared => (d * d * (1 # 2))%Q
  | Absolute => qabs d
  | Huber dl => if Qle_bool (qabs d) dl then (d * d * (1 # 2))%Q else (dl * qsub (qabs d) (dl * (1 # 2)))%Q
  | Hinge => let v := qsub 1 (y * yhat)%Q in if Qle_bool v 0 then 0%Q else v
  end.

Definition risk_lq (a : activation) (l : loss) (ws : list nat) (data : list sample) (p : list Q) : Q :=
  qsum (map (fun s => qsum (map (fun oy => ell_q l (fst oy) (snd oy))
                                (combine (forward_q (act_q a) (layers ws p) (fst s)) (snd s)))) data).

Definition loss_ok (l : loss) : bool := match l with Huber d => qlt 0 d | _ => true end.

(** ** The checker *)
Definition curve_of (p : list Q) (ds : list poly) : list poly :=
  map (fun pd => fst pd :: snd pd) (combine p ds).

(** [dir = Lt]: a descent curve; [dir = Gt]: an ascent curve. *)
Definition check_curve (n : network) (data : list sample) (p : list Q) (ds : list poly)
    (dir : comparison) : bool :=
  let a := activ n in
  let ws := widths n in
  let l := lossk n in
  let change := padd (risk_p a l ws data (curve_of p ds)) [Qopp (risk_lq a l ws data p)] in
  loss_ok l && Nat.eqb (length ds) (length p) &&
  match lsign change, dir with Lt, Lt => true | Gt, Gt => true | _, _ => false end.

Definition check_value (n : network) (data : list sample) (p : list Q) (v : Q) : bool :=
  loss_ok (lossk n) && Qeq_bool (risk_lq (activ n) (lossk n) (widths n) data p) v.

(** ** Soundness *)
Local Open Scope R_scope.

Fixpoint peval (p : poly) (t : R) : R :=
  match p with
  | [] => 0
  | c :: p' => Q2R c + t * peval p' t
  end.

(** [ev P]: [P t] holds for every small enough [t > 0]. *)
Definition ev (P : R -> Prop) : Prop := exists t0, 0 < t0 /\ forall t, 0 < t < t0 -> P t.

Lemma ev_all (P : R -> Prop) : (forall t, P t) -> ev P.
Proof. intro H. exists 1. split; [lra|]. intros; apply H. Qed.

Lemma ev_and (P Q : R -> Prop) : ev P -> ev Q -> ev (fun t => P t /\ Q t).
Proof.
  intros [a [Ha HP]] [b [Hb HQ]]. exists (Rmin a b). split; [apply Rmin_glb_lt; auto|].
  intros t [H0 H1]. pose proof (Rmin_l a b). pose proof (Rmin_r a b).
  split; [apply HP|apply HQ]; lra.
Qed.

Lemma ev_mono (P Q : R -> Prop) : (forall t, 0 < t -> P t -> Q t) -> ev P -> ev Q.
Proof. intros H [a [Ha HP]]. exists a. split; auto. intros t Ht. apply H, HP; lra. Qed.

Lemma ev_some (P : R -> Prop) : ev P -> exists t, 0 < t /\ P t.
Proof. intros [a [Ha HP]]. exists (a / 2). split; [lra|]. apply HP. lra. Qed.

Lemma Q2R_red x : Q2R (Qred x) = Q2R x.
Proof. apply Qeq_eqR, Qred_correct. Qed.

Lemma peval_padd p q t : peval (padd p q) t = peval p t + peval q t.
Proof.
  revert q; induction p as [|a p IH]; intros [|b q]; simpl; try ring.
  rewrite qadd_R, IH. ring.
Qed.

Lemma peval_pscale c p t : peval (pscale c p) t = Q2R c * peval p t.
Proof.
  unfold pscale in *. induction p as [|a p IH]; cbn [map peval]; [ring|].
  rewrite Q2R_red, qmul_R, IH. ring.
Qed.

Lemma peval_pmul p q t : peval (pmul p q) t = peval p t * peval q t.
Proof.
  induction p as [|a p IH]; simpl; [ring|].
  rewrite peval_padd, peval_pscale. simpl. rewrite IH, Q2R_0. ring.
Qed.

Lemma peval_const c t : peval [c] t = Q2R c.
Proof. simpl. ring. Qed.

Lemma peval_psum l t : peval (psum l) t = sum (map (fun p => peval p t) l).
Proof. induction l; simpl; [reflexivity|]. rewrite peval_padd, IHl. reflexivity. Qed.

Lemma peval_pdot u v t : peval (pdot u v) t = dot (map (fun p => peval p t) u) (map (fun p => peval p t) v).
Proof.
  revert v; induction u as [|a u IH]; intros [|b v]; simpl; try reflexivity.
  rewrite peval_padd, peval_pmul, IH. reflexivity.
Qed.

(** |p(t)| <= sum |p_i| on [0, 1]. *)
Definition pnorm (p : poly) : R := sum (map (fun c => Rabs (Q2R c)) p).

Lemma pnorm_nonneg p : 0 <= pnorm p.
Proof. induction p; unfold pnorm in *; simpl; [lra|]. pose proof (Rabs_pos (Q2R a)). lra. Qed.

Lemma peval_bound p t : 0 <= t <= 1 -> Rabs (peval p t) <= pnorm p.
Proof.
  intro Ht. induction p as [|a p IH]; unfold pnorm in *; simpl; [rewrite Rabs_R0; lra|].
  eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_mult, (Rabs_pos_eq t) by lra.
  pose proof (Rabs_pos (peval p t)). assert (t * Rabs (peval p t) <= Rabs (peval p t)) by nra. lra.
Qed.

(** [t * p(t)] is eventually below any positive bound. *)
Lemma ev_small p eps : 0 < eps -> ev (fun t => Rabs (t * peval p t) < eps).
Proof.
  intro He. pose proof (pnorm_nonneg p).
  exists (Rmin 1 (eps / (pnorm p + 1))). split.
  { apply Rmin_glb_lt; [lra|]. apply Rdiv_lt_0_compat; lra. }
  intros t [H0 H1]. pose proof (Rmin_l 1 (eps / (pnorm p + 1))). pose proof (Rmin_r 1 (eps / (pnorm p + 1))).
  pose proof (peval_bound p t (conj (Rlt_le _ _ H0) (Rlt_le _ _ (Rlt_le_trans _ _ _ H1 H2)))).
  rewrite Rabs_mult, (Rabs_pos_eq t) by lra.
  assert (t * (pnorm p + 1) < eps).
  { apply Rlt_le_trans with (eps / (pnorm p + 1) * (pnorm p + 1)); [apply Rmult_lt_compat_r; lra|].
    right. field. lra. }
  pose proof (Rabs_pos (peval p t)). nra.
Qed.

Lemma lsign_sound p :
  match lsign p with
  | Lt => ev (fun t => peval p t < 0)
  | Gt => ev (fun t => 0 < peval p t)
  | Eq => forall t, peval p t = 0
  end.
Proof.
  induction p as [|c p IH]; simpl; [reflexivity|].
  destruct (Qcompare c 0) eqn:E.
  - apply Qeq_alt, Qeq_eqR in E. rewrite Q2R_0 in E. rewrite E.
    destruct (lsign p).
    + intro t. rewrite IH. ring.
    + revert IH. apply ev_mono. intros t Ht H. nra.
    + revert IH. apply ev_mono. intros t Ht H. nra.
  - apply Qlt_alt, Qlt_Rlt in E. rewrite Q2R_0 in E.
    apply (ev_mono (fun t => Rabs (t * peval p t) < - Q2R c)); [|apply ev_small; lra].
    intros t Ht H. pose proof (Rle_abs (t * peval p t)). lra.
  - apply Qgt_alt, Qlt_Rlt in E. rewrite Q2R_0 in E.
    apply (ev_mono (fun t => Rabs (t * peval p t) < Q2R c)); [|apply ev_small; lra].
    intros t Ht H. pose proof (Rle_abs (- (t * peval p t))). rewrite Rabs_Ropp in H0. lra.
Qed.

Lemma sign_lt_sound p :
  if sign_lt p then ev (fun t => peval p t < 0) else ev (fun t => 0 <= peval p t).
Proof.
  pose proof (lsign_sound p) as H. unfold sign_lt. destruct (lsign p).
  - apply ev_all. intro t. rewrite H. lra.
  - exact H.
  - revert H. apply ev_mono. intros; lra.
Qed.

Lemma piece_poly_ev bs ps z :
  ev (fun t => peval (piece_poly bs ps z) t = pl_eval bs ps (peval z t)).
Proof.
  revert bs; induction ps as [|[s c] ps IH]; intros bs; cbn [piece_poly pl_eval].
  - apply ev_all. intro t. destruct bs; reflexivity.
  - destruct bs as [|b bs]; cbn [piece_poly pl_eval].
    + apply ev_all. intro t. rewrite peval_padd, peval_pscale, peval_const. reflexivity.
    + pose proof (sign_lt_sound (padd z [Qopp b])) as H. destruct (sign_lt (padd z [Qopp b])).
      * revert H. apply ev_mono. intros t Ht H. rewrite peval_padd, peval_const, Q2R_opp in H.
        rewrite peval_padd, peval_pscale, peval_const.
        destruct (Rlt_dec (peval z t) (Q2R b)) as [_|N]; [reflexivity|lra].
      * refine (ev_mono _ _ _ (ev_and _ _ H (IH bs))). intros t Ht [H1 H2]. cbv beta in *. rewrite peval_padd, peval_const, Q2R_opp in H1.
        destruct (Rlt_dec (peval z t) (Q2R b)) as [L|_]; [lra|exact H2].
Qed.

Definition pe (t : R) : poly -> R := fun p => peval p t.

Definition layer_t (t : R) (L : player) : layer := (map (map (pe t)) (fst L), map (pe t) (snd L)).

Lemma apply_player_t L x t :
  map (pe t) (apply_player L x) = apply_layer (layer_t t L) (map (pe t) x).
Proof.
  destruct L as [W b]. unfold apply_player, apply_layer, layer_t; simpl.
  rewrite combine_map, !map_map. apply map_ext. intros [w c]; simpl.
  unfold pe at 1. rewrite peval_padd, peval_pdot. reflexivity.
Qed.

Lemma ev_map (f : poly -> poly) (g : R -> R) :
  (forall z, ev (fun t => peval (f z) t = g (peval z t))) ->
  forall zs, ev (fun t => map (pe t) (map f zs) = map g (map (pe t) zs)).
Proof.
  intros H zs. induction zs as [|z zs IH]; [apply ev_all; reflexivity|].
  refine (ev_mono _ _ _ (ev_and _ _ (H z) IH)). intros t _ [H1 H2]. cbv beta in *.
  simpl. unfold pe at 1 3. rewrite H1, H2. reflexivity.
Qed.

Lemma forward_p_ev (a : activation) ls x :
  ev (fun t => map (pe t) (forward_p (piece_poly (breakpoints a) (pieces a)) ls x) =
               forward (act a) (map (layer_t t) ls) (map (pe t) x)).
Proof.
  revert x; induction ls as [|L ls IH]; intro x; [apply ev_all; reflexivity|].
  destruct ls as [|L' ls'].
  - apply ev_all. intro t. apply apply_player_t.
  - set (h := piece_poly (breakpoints a) (pieces a)).
    pose proof (ev_map h (act a) (piece_poly_ev (breakpoints a) (pieces a)) (apply_player L x)) as HP.
    refine (ev_mono _ _ _ (ev_and _ _ HP (IH (map h (apply_player L x))))).
    intros t _ [H1 H2]. cbv beta in *. unfold h in *.
    change (map (pe t) (forward_p (piece_poly (breakpoints a) (pieces a)) (L' :: ls') (map (piece_poly (breakpoints a) (pieces a)) (apply_player L x))) =
            forward (act a) (map (layer_t t) (L' :: ls')) (map (act a) (apply_layer (layer_t t L) (map (pe t) x)))).
    rewrite H2, H1, apply_player_t. reflexivity.
Qed.

Lemma layers_map_gen {A B} (f : A -> B) ws p :
  layers ws (map f p) = map (fun L => (map (map f) (fst L), map f (snd L))) (layers ws p).
Proof.
  revert p; induction ws as [|n ws IH]; intro p; [reflexivity|].
  destruct ws as [|n' ws']; [reflexivity|].
  change (layers (n :: n' :: ws') (map f p)) with
    ((rows n' n (map f p), firstn n' (skipn (n' * n) (map f p)))
       :: layers (n' :: ws') (skipn (n' * n + n') (map f p))).
  rewrite !skipn_map, IH, rows_map, firstn_map. reflexivity.
Qed.

Lemma ev_sum {A} (f g : A -> R -> R) l :
  (forall s, ev (fun t => f s t = g s t)) ->
  ev (fun t => sum (map (fun s => f s t) l) = sum (map (fun s => g s t) l)).
Proof.
  intro H. induction l as [|s l IH]; [apply ev_all; reflexivity|].
  refine (ev_mono _ _ _ (ev_and _ _ (H s) IH)). intros t _ [H1 H2]. cbv beta in *.
  simpl. rewrite H1, H2. reflexivity.
Qed.

Lemma sign_gt_sound p :
  if sign_gt p then ev (fun t => 0 < peval p t) else ev (fun t => peval p t <= 0).
Proof.
  pose proof (lsign_sound p) as H. unfold sign_gt. destruct (lsign p).
  - apply ev_all. intro t. rewrite H. lra.
  - revert H. apply ev_mono. intros; lra.
  - exact H.
Qed.

Lemma ell_p_ev l o y :
  loss_ok l = true -> ev (fun t => peval (ell_p l o y) t = ell l (peval o t) (Q2R y)).
Proof.
  intro Hok. unfold ell_p. set (r := padd o [Qopp y]).
  assert (Hr : forall t, peval r t = peval o t - Q2R y).
  { intro t. unfold r. rewrite peval_padd, peval_const, Q2R_opp. ring. }
  assert (Hh : Q2R (1 # 2) = / 2) by (unfold Q2R; simpl; field).
  destruct l as [| |d|]; cbn [ell].
  - apply ev_all. intro t. rewrite peval_pscale, peval_pmul, Hr, Hh. field.
  - pose proof (sign_lt_sound r) as S. destruct (sign_lt r); revert S; apply ev_mono; intros t _ S;
      rewrite ?peval_pscale, Hr in *.
    + rewrite Rabs_left by lra. unfold Q2R at 1; simpl. field.
    + rewrite Rabs_right by lra. reflexivity.
  - apply qlt_R in Hok. rewrite Q2R_0 in Hok.
    assert (Hd : Q2R (d * (1 # 2)) = Q2R d / 2) by (rewrite qmul_R, Hh; field).
    pose proof (sign_gt_sound (padd r [Qopp d])) as S1. destruct (sign_gt (padd r [Qopp d])).
    { revert S1. apply ev_mono. intros t _ S1. rewrite peval_padd, peval_const, Q2R_opp, Hr in S1.
      rewrite peval_pscale, peval_padd, peval_const, Q2R_opp, Hd, Hr, Rabs_right by lra.
      destruct (Rle_dec (peval o t - Q2R y) (Q2R d)); [lra|ring]. }
    pose proof (sign_lt_sound (padd r [d])) as S2. destruct (sign_lt (padd r [d])).
    { revert S2. apply ev_mono. intros t _ S2. rewrite peval_padd, peval_const, Hr in S2.
      rewrite peval_pscale, peval_padd, peval_pscale, peval_const, Q2R_opp, Hd, Hr, Rabs_left by lra.
      destruct (Rle_dec (- (peval o t - Q2R y)) (Q2R d)); [lra|]. unfold Q2R at 2; simpl. field. }
    refine (ev_mono _ _ _ (ev_and _ _ S1 S2)). intros t _ [T1 T2]. cbv beta in *.
    rewrite peval_padd, peval_const, ?Q2R_opp, Hr in T1, T2.
    rewrite peval_pscale, peval_pmul, Hr, Hh.
    destruct (Rle_dec (Rabs (peval o t - Q2R y)) (Q2R d)) as [_|N]; [field|].
    exfalso. apply N. apply Rabs_le. rewrite Q2R_opp in T1. lra.
  - set (mg := padd [1%Q] (pscale (Qopp y) o)).
    assert (Hm : forall t, peval mg t = 1 - Q2R y * peval o t).
    { intro t. unfold mg. rewrite peval_padd, peval_pscale, peval_const, Q2R_opp, Q2R_1. ring. }
    pose proof (sign_gt_sound mg) as S. destruct (sign_gt mg); revert S; apply ev_mono; intros t _ S;
      rewrite Hm in *; unfold Rmax.
    + destruct (Rle_dec 0 (1 - Q2R y * peval o t)); [reflexivity|lra].
    + destruct (Rle_dec 0 (1 - Q2R y * peval o t)); cbn [peval]; lra.
Qed.

Lemma ell_q_R l yhat y : loss_ok l = true -> Q2R (ell_q l yhat y) = ell l (Q2R yhat) (Q2R y).
Proof.
  intro Hok. assert (Hh : Q2R (1 # 2) = / 2) by (unfold Q2R; simpl; field).
  unfold ell_q. destruct l as [| |d|]; cbn [ell].
  - rewrite !qmul_R, qsub_R, Hh. field.
  - rewrite qabs_R, qsub_R. reflexivity.
  - destruct (Qle_bool (qabs (qsub yhat y)) d) eqn:E.
    + apply Qle_bool_iff, Qle_Rle in E. rewrite qabs_R, qsub_R in E.
      destruct (Rle_dec (Rabs (Q2R yhat - Q2R y)) (Q2R d)) as [_|N]; [|contradiction].
      rewrite !qmul_R, qsub_R, Hh. field.
    + destruct (Rle_dec (Rabs (Q2R yhat - Q2R y)) (Q2R d)) as [L|_].
      * exfalso. rewrite <- qsub_R, <- qabs_R in L. apply Rle_Qle, Qle_bool_iff in L. congruence.
      * rewrite qmul_R, qsub_R, qabs_R, qsub_R, qmul_R, Hh. field.
  - unfold Rmax. rewrite <- qmul_R, <- Q2R_1, <- qsub_R.
    destruct (Qle_bool (qsub 1 (y * yhat)) 0) eqn:E.
    + apply Qle_bool_iff, Qle_Rle in E. rewrite Q2R_0 in *.
      destruct (Rle_dec 0 (Q2R (qsub 1 (y * yhat)))); lra.
    + destruct (Rle_dec 0 (Q2R (qsub 1 (y * yhat)))) as [_|N]; [reflexivity|].
      exfalso. apply N. apply Rlt_le. rewrite <- Q2R_0. apply Qlt_Rlt. apply Qnot_le_lt.
      intro L. apply Qle_bool_iff in L. congruence.
Qed.

Lemma risk_lq_R n data p :
  loss_ok (lossk n) = true ->
  Q2R (risk_lq (activ n) (lossk n) (widths n) data p) = risk n data (params p).
Proof.
  intro Hok. unfold risk_lq, risk. rewrite qsum_R, map_map. f_equal. apply map_ext. intro s.
  unfold sample_loss, params. rewrite qsum_R, map_map, layers_map.
  rewrite <- (forward_q_R (act_q (activ n))).
  2: { intro t. apply act_q_R. }
  rewrite combine_map, map_map. f_equal. apply map_ext. intros [o y]; simpl. apply ell_q_R, Hok.
Qed.

Lemma risk_p_ev n data cv :
  loss_ok (lossk n) = true ->
  ev (fun t => risk n data (map (pe t) cv) = peval (risk_p (activ n) (lossk n) (widths n) data cv) t).
Proof.
  intro Hok. unfold risk_p.
  apply (ev_mono (fun t => sum (map (fun s => sample_loss n (map (pe t) cv) s) data) =
                           sum (map (fun s => peval (sample_loss_p (activ n) (lossk n) (widths n) cv s) t) data))).
  { intros t _ H. unfold risk. rewrite peval_psum, map_map. exact H. }
  apply ev_sum. intro s.
  pose proof (forward_p_ev (activ n) (layers (widths n) cv) (map (fun c => [c]) (fst s))) as HF.
  set (outs := forward_p (piece_poly (breakpoints (activ n)) (pieces (activ n))) (layers (widths n) cv)
                         (map (fun c => [c]) (fst s))) in *.
  pose proof (ev_sum (fun oy t => ell (lossk n) (peval (fst oy) t) (Q2R (snd oy)))
                     (fun oy t => peval (ell_p (lossk n) (fst oy) (snd oy)) t) (combine outs (snd s))
                     (fun oy => ev_mono _ _ (fun t _ H => eq_sym H) (ell_p_ev (lossk n) (fst oy) (snd oy) Hok))) as HL.
  refine (ev_mono _ _ _ (ev_and _ _ HF HL)). intros t _ [H1 H2]. cbv beta in *.
  unfold sample_loss, sample_loss_p. rewrite peval_psum, map_map.
  rewrite layers_map_gen.
  replace (map Q2R (fst s)) with (map (pe t) (map (fun c => [c]) (fst s)))
    by (rewrite map_map; apply map_ext; intro c; unfold pe; apply peval_const).
  change (fun L : list (list poly) * list poly => (map (map (pe t)) (fst L), map (pe t) (snd L)))
    with (layer_t t).
  match goal with |- context [combine (forward ?h ?ls ?x) _] =>
    replace (forward h ls x) with (map (pe t) outs) by exact H1 end.
  rewrite combine_map, !map_map. exact H2.
Qed.

Lemma curve_near p ds eps :
  0 < eps -> length ds = length p -> ev (fun t => near (params p) eps (map (pe t) (curve_of p ds))).
Proof.
  intros He. revert ds; induction p as [|a p IH]; intros [|d ds] Hl; simpl in Hl; try discriminate.
  - apply ev_all. intro t. constructor.
  - injection Hl as Hl.
    refine (ev_mono _ _ _ (ev_and _ _ (ev_small d eps He) (IH ds Hl))). intros t _ [H1 H2].
    cbv beta in *. unfold near in *. simpl. constructor; [|exact H2].
    unfold pe. simpl. replace (Q2R a + t * peval d t - Q2R a) with (t * peval d t) by ring. exact H1.
Qed.

Lemma curve_core n data p ds dir :
  check_curve n data p ds dir = true -> forall eps, 0 < eps ->
  exists q, near (params p) eps q /\
    match dir with
    | Lt => risk n data q < risk n data (params p)
    | Gt => risk n data (params p) < risk n data q
    | Eq => False
    end.
Proof.
  unfold check_curve. cbv zeta. intros H eps He.
  apply andb_prop in H. destruct H as [H1 H]. apply andb_prop in H1. destruct H1 as [Hl Hlen].
  apply Nat.eqb_eq in Hlen.
  set (cv := curve_of p ds) in H.
  set (rq := risk_lq (activ n) (lossk n) (widths n) data p) in H.
  set (change := padd (risk_p (activ n) (lossk n) (widths n) data cv) [Qopp rq]) in H.
  assert (HR : forall t, peval change t = peval (risk_p (activ n) (lossk n) (widths n) data cv) t - risk n data (params p)).
  { intro t. unfold change, rq. rewrite peval_padd, peval_const, Q2R_opp, risk_lq_R by exact Hl. ring. }
  pose proof (lsign_sound change) as HS.
  pose proof (ev_and _ _ (curve_near p ds eps He Hlen) (risk_p_ev n data cv Hl)) as HE.
  destruct (lsign change), dir; try discriminate.
  - destruct (ev_some _ (ev_and _ _ HE HS)) as [t [_ [[H1 H2] H3]]].
    exists (map (pe t) cv). split; [exact H1|]. rewrite H2. pose proof (HR t). lra.
  - destruct (ev_some _ (ev_and _ _ HE HS)) as [t [_ [[H1 H2] H3]]].
    exists (map (pe t) cv). split; [exact H1|]. rewrite H2. pose proof (HR t). lra.
Qed.

Theorem curve_down_sound n data p ds :
  check_curve n data p ds Lt = true -> not_local_min (risk n data) (params p).
Proof. intros H eps He. exact (curve_core n data p ds Lt H eps He). Qed.

Theorem curve_up_sound n data p ds :
  check_curve n data p ds Gt = true ->
  forall eps, 0 < eps -> exists q, near (params p) eps q /\ risk n data (params p) < risk n data q.
Proof. intros H eps He. exact (curve_core n data p ds Gt H eps He). Qed.

Theorem saddle_sound n data p down up :
  check_curve n data p down Lt = true -> check_curve n data p up Gt = true ->
  saddle (risk n data) (params p).
Proof.
  intros Hd Hu eps He. split; [apply (curve_down_sound n data p down Hd eps He)|].
  apply (curve_up_sound n data p up Hu eps He).
Qed.

Theorem value_sound n data p v :
  check_value n data p v = true -> risk n data (params p) = Q2R v.
Proof.
  unfold check_value. intro H. apply andb_prop in H. destruct H as [Hl H].
  apply qeq_R in H. rewrite <- H. symmetry. apply risk_lq_R, Hl.
Qed.

Definition check_lower (n : network) (data : list sample) (p : list Q) (v : Q) (pb : list Q) (vb : Q) : bool :=
  check_value n data p v && check_value n data pb vb && qlt vb v.

Theorem lower_sound n data p v pb vb :
  check_lower n data p v pb vb = true ->
  risk n data (params p) = Q2R v /\ risk n data (params pb) = Q2R vb /\
  risk n data (params pb) < risk n data (params p).
Proof.
  unfold check_lower. intro H. apply andb_prop in H. destruct H as [H H3]. apply andb_prop in H.
  destruct H as [H1 H2]. apply value_sound in H1, H2. apply qlt_R in H3.
  split; [exact H1|]. split; [exact H2|]. rewrite H1, H2. exact H3.
Qed.
